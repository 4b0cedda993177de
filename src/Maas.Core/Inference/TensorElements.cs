using System.Globalization;
using Maas.Core.Errors;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Inference;

/// <summary>Sizes of ONNX tensor element types and the arithmetic of shapes, checked against overflow.</summary>
public static class TensorElements
{
    /// <summary>Bytes per element in a dense little-endian buffer; 0 for strings (variable length).</summary>
    public static int SizeOf(TensorElementType type) => type switch
    {
        TensorElementType.Bool or TensorElementType.UInt8 or TensorElementType.Int8 => 1,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.UInt32 or TensorElementType.Int32 or TensorElementType.Float => 4,
        TensorElementType.UInt64 or TensorElementType.Int64 or TensorElementType.Double => 8,
        TensorElementType.String => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a servable tensor element type."),
    };

    /// <summary>The number of elements of <paramref name="shape"/>; a negative or overflowing shape is a 400 naming the tensor.</summary>
    public static long CountOf(string tensorName, ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new MaasException(ErrorKind.InvalidInput, $"Tensor '{tensorName}' has shape {Format(shape)}; every dimension must be 0 or more.");
            }

            if (dim != 0 && count > Array.MaxLength / dim)
            {
                throw new MaasException(ErrorKind.InvalidInput, $"Tensor '{tensorName}' has shape {Format(shape)}, which holds more elements than a request can carry.");
            }

            count *= dim;
        }

        return count;
    }

    /// <summary>A shape as the error messages show it: <c>[1,4]</c>.</summary>
    public static string Format(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(',', parts) + "]";
    }
}
