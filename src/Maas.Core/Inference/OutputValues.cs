using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Inference;

/// <summary>An output tensor's elements read for comparison: numbers widened to double (booleans as 0 and 1) or strings, row-major.</summary>
public static class OutputValues
{
    /// <summary>The elements of a tensor <paramref name="value"/>; null for an element type not read here (half floats, complex).</summary>
    public static (double[]? Numbers, string[]? Strings)? Read(OrtValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.GetTensorTypeAndShape().ElementDataType switch
        {
            TensorElementType.String => (null, value.GetStringTensorAsArray()),
            TensorElementType.Float => (Widen(value.GetTensorDataAsSpan<float>(), v => v), null),
            TensorElementType.Double => (value.GetTensorDataAsSpan<double>().ToArray(), null),
            TensorElementType.Int64 => (Widen(value.GetTensorDataAsSpan<long>(), v => v), null),
            TensorElementType.Int32 => (Widen(value.GetTensorDataAsSpan<int>(), v => v), null),
            TensorElementType.Int16 => (Widen(value.GetTensorDataAsSpan<short>(), v => v), null),
            TensorElementType.Int8 => (Widen(value.GetTensorDataAsSpan<sbyte>(), v => v), null),
            TensorElementType.UInt64 => (Widen(value.GetTensorDataAsSpan<ulong>(), v => v), null),
            TensorElementType.UInt32 => (Widen(value.GetTensorDataAsSpan<uint>(), v => v), null),
            TensorElementType.UInt16 => (Widen(value.GetTensorDataAsSpan<ushort>(), v => v), null),
            TensorElementType.UInt8 => (Widen(value.GetTensorDataAsSpan<byte>(), v => v), null),
            TensorElementType.Bool => (Widen(value.GetTensorDataAsSpan<bool>(), v => v ? 1 : 0), null),
            _ => null,
        };
    }

    private static double[] Widen<T>(ReadOnlySpan<T> values, Func<T, double> widen)
    {
        var result = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            result[i] = widen(values[i]);
        }

        return result;
    }
}
