using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Json;

/// <summary>The 400s of tensor decoding. They name the tensor, the element index and the expectation, never the value sent.</summary>
internal static class TensorDataError
{
    public static MaasException Element(string tensor, long index, TensorElementType type, string expected)
        => new(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"Input '{tensor}' element {index} does not fit {ElementTypeNames.NameOf(type)}: expected {expected}."));

    public static MaasException Invalid(string message) => new(ErrorKind.InvalidInput, message);

    /// <summary>What a JSON element of <paramref name="type"/> must be.</summary>
    public static string Expectation(TensorElementType type) => type switch
    {
        TensorElementType.Bool => "true or false",
        TensorElementType.String => "a JSON string",
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Float or TensorElementType.Double
            => "a number within its range (or \"NaN\", \"Infinity\", \"-Infinity\")",
        TensorElementType.UInt8 => "an integer from 0 to 255",
        TensorElementType.UInt16 => "an integer from 0 to 65535",
        TensorElementType.UInt32 => "an integer from 0 to 4294967295",
        TensorElementType.UInt64 => "an integer from 0 to 18446744073709551615",
        TensorElementType.Int8 => "an integer from -128 to 127",
        TensorElementType.Int16 => "an integer from -32768 to 32767",
        TensorElementType.Int32 => "an integer from -2147483648 to 2147483647",
        TensorElementType.Int64 => "an integer from -9223372036854775808 to 9223372036854775807",
        _ => "a supported value",
    };
}
