using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Json;

/// <summary>
/// Writes ONNX Runtime outputs as JSON: tensors flat (V2) or nested by shape (simple API); sequences as arrays and
/// maps as objects with string keys (simple API). NaN and infinities, which JSON lacks, are written as the strings
/// "NaN", "Infinity" and "-Infinity".
/// </summary>
internal static class JsonTensorWriter
{
    /// <summary>Longest FP32 text (see <see cref="ShortestFloat.MaxChars"/>; "\"-Infinity\"" is shorter) plus its separator.</summary>
    private const int MaxFloatChars = ShortestFloat.MaxChars + 1;

    public static void WriteFlat(Utf8JsonWriter writer, OrtValue tensor)
    {
        writer.WriteStartArray();
        var info = tensor.GetTensorTypeAndShape();
        WriteElements(writer, new ElementSource(tensor, info), 0, (int)info.ElementCount);
        writer.WriteEndArray();
    }

    /// <summary>Any output value: a tensor as nested arrays, a sequence as an array of its elements, a map as an object.</summary>
    public static void WriteNested(Utf8JsonWriter writer, OrtValue value)
    {
        switch (value.OnnxType)
        {
            case OnnxValueType.ONNX_TYPE_TENSOR:
                var info = value.GetTensorTypeAndShape();
                var offset = 0;
                WriteLevel(writer, new ElementSource(value, info), info.Shape, 0, ref offset);
                break;
            case OnnxValueType.ONNX_TYPE_SEQUENCE:
                writer.WriteStartArray();
                for (var i = 0; i < value.GetValueCount(); i++)
                {
                    using var item = value.GetValue(i, OrtAllocator.DefaultInstance);
                    WriteNested(writer, item);
                }

                writer.WriteEndArray();
                break;
            case OnnxValueType.ONNX_TYPE_MAP:
                using (var keys = value.GetValue(0, OrtAllocator.DefaultInstance))
                using (var values = value.GetValue(1, OrtAllocator.DefaultInstance))
                {
                    writer.WriteStartObject();
                    var count = (int)keys.GetTensorTypeAndShape().ElementCount;
                    var source = new ElementSource(values, values.GetTensorTypeAndShape());
                    for (var i = 0; i < count; i++)
                    {
                        writer.WritePropertyName(KeyOf(keys, i));
                        WriteElements(writer, source, i, 1);
                    }

                    writer.WriteEndObject();
                }

                break;
            default:
                throw new MaasException(ErrorKind.InvalidInput, $"An output is a {value.OnnxType}, which cannot be written as JSON.");
        }
    }

    private static void WriteLevel(Utf8JsonWriter writer, ElementSource tensor, long[] shape, int level, ref int offset)
    {
        if (shape.Length == 0)
        {
            WriteElements(writer, tensor, 0, 1);
            return;
        }

        writer.WriteStartArray();
        if (level == shape.Length - 1)
        {
            WriteElements(writer, tensor, offset, (int)shape[level]);
            offset += (int)shape[level];
        }
        else
        {
            for (var i = 0; i < shape[level]; i++)
            {
                WriteLevel(writer, tensor, shape, level + 1, ref offset);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes elements [start, start + count) of a tensor, one tight loop per element type.</summary>
    private static void WriteElements(Utf8JsonWriter writer, ElementSource tensor, int start, int count)
    {
        var type = tensor.Type;
        if (type == TensorElementType.String)
        {
            for (var i = start; i < start + count; i++)
            {
                writer.WriteStringValue(tensor.Value.GetStringElementAsSpan(i));
            }

            return;
        }

        var size = TensorElements.SizeOf(type);
        WriteNumbers(writer, type, tensor.Raw.Slice(start * size, count * size));
    }

    /// <summary>Writes the elements of numeric <paramref name="type"/> in <paramref name="bytes"/> as JSON values, one tight loop per type.</summary>
    internal static void WriteNumbers(Utf8JsonWriter writer, TensorElementType type, ReadOnlySpan<byte> bytes)
    {
        switch (type)
        {
            case TensorElementType.Float:
                WriteFloatRun(writer, MemoryMarshal.Cast<byte, float>(bytes));
                break;
            case TensorElementType.Double:
                foreach (var value in MemoryMarshal.Cast<byte, double>(bytes))
                {
                    WriteDouble(writer, value);
                }

                break;
            case TensorElementType.Float16:
                foreach (var value in MemoryMarshal.Cast<byte, Half>(bytes))
                {
                    WriteFloat(writer, (float)value);
                }

                break;
            case TensorElementType.BFloat16:
                foreach (var value in MemoryMarshal.Cast<byte, ushort>(bytes))
                {
                    WriteFloat(writer, BitConverter.UInt32BitsToSingle((uint)value << 16));
                }

                break;
            case TensorElementType.Bool:
                foreach (var value in bytes)
                {
                    writer.WriteBooleanValue(value != 0);
                }

                break;
            case TensorElementType.Int8:
                WriteSigned<sbyte>(writer, bytes);
                break;
            case TensorElementType.Int16:
                WriteSigned<short>(writer, bytes);
                break;
            case TensorElementType.Int32:
                WriteSigned<int>(writer, bytes);
                break;
            case TensorElementType.Int64:
                WriteSigned<long>(writer, bytes);
                break;
            case TensorElementType.UInt8:
                WriteUnsigned<byte>(writer, bytes);
                break;
            case TensorElementType.UInt16:
                WriteUnsigned<ushort>(writer, bytes);
                break;
            case TensorElementType.UInt32:
                WriteUnsigned<uint>(writer, bytes);
                break;
            case TensorElementType.UInt64:
                WriteUnsigned<ulong>(writer, bytes);
                break;
            default:
                throw new MaasException(ErrorKind.InvalidInput, $"Element type {type} cannot be written as JSON.");
        }
    }

    /// <summary>
    /// FP32 elements formatted by <see cref="ShortestFloat"/> straight into one pooled buffer ("a,b,c") and handed to the
    /// writer as a single raw value: the writer's per-value bookkeeping costs about as much as formatting a float, so the
    /// hot type skips it.
    /// </summary>
    internal static void WriteFloatRun(Utf8JsonWriter writer, ReadOnlySpan<float> values)
    {
        if (values.IsEmpty)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(values.Length * MaxFloatChars);
        try
        {
            var length = 0;
            foreach (var value in values)
            {
                if (length > 0)
                {
                    buffer[length++] = (byte)',';
                }

                if (float.IsFinite(value))
                {
                    length += ShortestFloat.Format(value, buffer.AsSpan(length));
                }
                else
                {
                    var text = value switch { float.NaN => "\"NaN\""u8, > 0 => "\"Infinity\""u8, _ => "\"-Infinity\""u8 };
                    text.CopyTo(buffer.AsSpan(length));
                    length += text.Length;
                }
            }

            writer.WriteRawValue(buffer.AsSpan(0, length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteSigned<T>(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (var value in MemoryMarshal.Cast<byte, T>(bytes))
        {
            writer.WriteNumberValue(long.CreateTruncating(value));
        }
    }

    private static void WriteUnsigned<T>(Utf8JsonWriter writer, ReadOnlySpan<byte> bytes)
        where T : unmanaged, IBinaryInteger<T>
    {
        foreach (var value in MemoryMarshal.Cast<byte, T>(bytes))
        {
            writer.WriteNumberValue(ulong.CreateTruncating(value));
        }
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    private static string KeyOf(OrtValue keys, int index)
    {
        var type = keys.GetTensorTypeAndShape().ElementDataType;
        return type == TensorElementType.String
            ? keys.GetStringElement(index)
            : MemoryMarshal.Read<long>(((ReadOnlySpan<byte>)keys.GetTensorMutableRawData())[(index * sizeof(long))..]).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A tensor's element type and bytes, read from ONNX Runtime once per tensor rather than once per row written.</summary>
    private readonly ref struct ElementSource
    {
        public ElementSource(OrtValue value, OrtTensorTypeAndShapeInfo info)
        {
            Value = value;
            Type = info.ElementDataType;
            Raw = Type == TensorElementType.String ? default : value.GetTensorMutableRawData();
        }

        public OrtValue Value { get; }

        public TensorElementType Type { get; }

        /// <summary>The dense element bytes; empty for strings, which are read per element.</summary>
        public ReadOnlySpan<byte> Raw { get; }
    }
}
