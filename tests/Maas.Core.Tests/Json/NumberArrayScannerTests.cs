using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Protocol.Simple;
using Maas.Core.Protocol.V2;
using Maas.Core.Serving;
using Maas.TestKit.Registry;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Json;

/// <summary>
/// Number arrays read straight from the bytes, through both decoders: the values of every integer width at their
/// limits, FP32 arrays bit for bit, and, where the scanner declines, the JSON reader's precise 400s.
/// </summary>
public sealed class NumberArrayScannerTests
{
    private static readonly LimitsOptions Limits = new();

    public static TheoryData<TensorElementType, string, string, string> IntegerLimits => new()
    {
        { TensorElementType.Int8, "INT8", "-128", "127" },
        { TensorElementType.Int16, "INT16", "-32768", "32767" },
        { TensorElementType.Int32, "INT32", "-2147483648", "2147483647" },
        { TensorElementType.Int64, "INT64", "-9223372036854775808", "9223372036854775807" },
        { TensorElementType.UInt8, "UINT8", "0", "255" },
        { TensorElementType.UInt16, "UINT16", "0", "65535" },
        { TensorElementType.UInt32, "UINT32", "0", "4294967295" },
        { TensorElementType.UInt64, "UINT64", "0", "18446744073709551615" },
    };

    [Theory]
    [MemberData(nameof(IntegerLimits))]
    public void Decode_IntegersAtTheirLimits_ReadEveryValue(TensorElementType type, string datatype, string min, string max)
    {
        var model = Model(type);
        var elements = $"{min},{max},0,-0,7";
        var expected = new[] { min, max, "0", "0", "7" }.Select(text => decimal.Parse(text, CultureInfo.InvariantCulture)).ToArray();

        using var v2 = V2RequestReader.Decode(V2(datatype, [1, 5], $"[{elements}]"), null, model, Limits);
        using var simple = SimpleInferenceProtocol.Decode(Encoding.ASCII.GetBytes($"{{\"inputs\":{{\"x\":[[{elements}]]}}}}"), model, Limits);

        Assert.Equal(expected, Values(v2.Inputs[0].Data.Span, type));
        Assert.Equal(expected, Values(simple.Inputs[0].Data.Span, type));
        Assert.Equal([1, 5], simple.Inputs[0].Shape);
    }

    [Theory]
    [InlineData(TensorElementType.Int8, "INT8", "128", "from -128 to 127")]
    [InlineData(TensorElementType.UInt8, "UINT8", "-1", "from 0 to 255")]
    [InlineData(TensorElementType.Int32, "INT32", "2147483648", "from -2147483648 to 2147483647")]
    [InlineData(TensorElementType.Int64, "INT64", "1.5", "from -9223372036854775808 to 9223372036854775807")]
    [InlineData(TensorElementType.Int64, "INT64", "1e3", "from -9223372036854775808 to 9223372036854775807")]
    public void Decode_IntegerOutOfRangeOrNotWhole_IsBadRequestNamingTheElementAndTheRange(TensorElementType type, string datatype, string bad, string range)
    {
        var model = Model(type);

        var error = Assert.Throws<MaasException>(() => V2RequestReader.Decode(V2(datatype, [1, 5], $"[1,2,3,{bad},5]"), null, model, Limits).Dispose());

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("element 3", error.Message, StringComparison.Ordinal);
        Assert.Contains(range, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_Fp32InEverySpelling_GivesTheBitsFloatParseGives()
    {
        // Window path, byte path at the array's end, exponents, 17-digit doubles, whitespace, and the reader's strings.
        string[] texts = ["0.1", "-0.123456789", "1.5e-7", "1E+10", "0.12345678359270096", "-0", "3", "1e-40", "  2.5 ", "\"NaN\"", "\"-Infinity\""];
        var model = Model(TensorElementType.Float);

        using var request = V2RequestReader.Decode(V2("FP32", [1, texts.Length], $"[{string.Join(',', texts)}]"), null, model, Limits);

        var expected = texts.Select(text => text.Trim().Trim('"') switch
        {
            "NaN" => float.NaN,
            "-Infinity" => float.NegativeInfinity,
            var number => float.Parse(number, CultureInfo.InvariantCulture),
        });
        Assert.Equal(expected.Select(BitConverter.SingleToUInt32Bits), MemoryMarshal.Cast<byte, float>(request.Inputs[0].Data.Span).ToArray().Select(BitConverter.SingleToUInt32Bits));
    }

    [Theory]
    [InlineData("[[1,2],[3]]")]
    [InlineData("[[1,2],[3,[4]]]")]
    [InlineData("[[1,2],3]")]
    public void Decode_RaggedNestedIntegers_IsBadRequestSayingRectangular(string nested)
    {
        var error = Assert.Throws<MaasException>(() => SimpleInferenceProtocol.Decode(Encoding.ASCII.GetBytes($"{{\"inputs\":{{\"x\":{nested}}}}}"), Model(TensorElementType.Int64), Limits).Dispose());

        Assert.Contains("rectangular", error.Message, StringComparison.Ordinal);
    }

    private static ModelVersionRecord Model(TensorElementType type)
        => ModelRecords.Ready([TensorSignature.Tensor("x", type, -1, -1)], [TensorSignature.Tensor("y", type, -1, -1)]);

    private static byte[] V2(string datatype, long[] shape, string data)
        => Encoding.ASCII.GetBytes($"{{\"inputs\":[{{\"name\":\"x\",\"shape\":[{string.Join(',', shape)}],\"datatype\":\"{datatype}\",\"data\":{data}}}]}}");

    private static decimal[] Values(ReadOnlySpan<byte> bytes, TensorElementType type) => type switch
    {
        TensorElementType.Int8 => [.. MemoryMarshal.Cast<byte, sbyte>(bytes).ToArray().Select(v => (decimal)v)],
        TensorElementType.Int16 => [.. MemoryMarshal.Cast<byte, short>(bytes).ToArray().Select(v => (decimal)v)],
        TensorElementType.Int32 => [.. MemoryMarshal.Cast<byte, int>(bytes).ToArray().Select(v => (decimal)v)],
        TensorElementType.Int64 => [.. MemoryMarshal.Cast<byte, long>(bytes).ToArray().Select(v => (decimal)v)],
        TensorElementType.UInt8 => [.. bytes.ToArray().Select(v => (decimal)v)],
        TensorElementType.UInt16 => [.. MemoryMarshal.Cast<byte, ushort>(bytes).ToArray().Select(v => (decimal)v)],
        TensorElementType.UInt32 => [.. MemoryMarshal.Cast<byte, uint>(bytes).ToArray().Select(v => (decimal)v)],
        _ => [.. MemoryMarshal.Cast<byte, ulong>(bytes).ToArray().Select(v => (decimal)v)],
    };
}
