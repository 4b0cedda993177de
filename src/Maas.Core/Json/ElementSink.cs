using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using csFastFloat;
using Maas.Core.Inference;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Json;

/// <summary>
/// Collects JSON elements of one tensor into a pooled little-endian buffer (or UTF-8 strings for BYTES), converting each
/// JSON token exactly once with range checks: floats through csFastFloat on the reader's raw bytes, integers through
/// the reader's own parsers.
/// </summary>
internal sealed class ElementSink : IDisposable
{
    private readonly string _tensor;
    private readonly TensorElementType _type;
    private readonly int _size;
    private readonly long _capacity;
    private readonly List<byte[]>? _strings;
    private byte[]? _buffer;
    private long _count;

    /// <param name="capacity">Most elements the tensor may hold; more is a 400.</param>
    public ElementSink(string tensor, TensorElementType type, long capacity)
    {
        _tensor = tensor;
        _type = type;
        _size = TensorElements.SizeOf(type);
        _capacity = capacity;
        if (type == TensorElementType.String)
        {
            _strings = [];
        }
        else
        {
            _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, capacity * _size));
        }
    }

    public long Count => _count;

    /// <summary>Appends the element the reader is on.</summary>
    public void Add(ref Utf8JsonReader reader)
    {
        if (_count == _capacity)
        {
            throw TensorDataError.Invalid(string.Create(CultureInfo.InvariantCulture, $"Input '{_tensor}' has more elements than its shape allows ({_capacity})."));
        }

        // The hot case (FP32 numbers) straight into the buffer: no span slicing, no type switch.
        if (_type == TensorElementType.Float && reader.TokenType == JsonTokenType.Number
            && FastFloatParser.TryParseFloat(reader.ValueSpan, out float number) && float.IsFinite(number))
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer!), (nint)(_count * sizeof(float))), number);
            _count++;
            return;
        }

        if (_strings is not null)
        {
            _strings.Add(reader.TokenType == JsonTokenType.String ? Utf8(ref reader, _tensor, _count) : throw Bad());
            _count++;
            return;
        }

        var target = _buffer.AsSpan((int)(_count * _size), _size);
        switch (_type)
        {
            case TensorElementType.Float:
                MemoryMarshal.Write(target, ReadSingle(ref reader));
                break;
            case TensorElementType.Double:
                MemoryMarshal.Write(target, ReadDouble(ref reader));
                break;
            case TensorElementType.Float16:
                var single = ReadSingle(ref reader);
                var half = (Half)single;
                MemoryMarshal.Write(target, Half.IsInfinity(half) && float.IsFinite(single) ? throw Bad() : half);
                break;
            case TensorElementType.BFloat16:
                MemoryMarshal.Write(target, ToBFloat16(ReadSingle(ref reader)));
                break;
            case TensorElementType.Bool:
                target[0] = reader.TokenType switch { JsonTokenType.True => 1, JsonTokenType.False => 0, _ => throw Bad() };
                break;
            case TensorElementType.UInt64:
                // "-0" is zero, as for the narrower unsigned types read through TryGetInt64.
                MemoryMarshal.Write(target, reader.TokenType == JsonTokenType.Number && (reader.TryGetUInt64(out var unsigned) || (reader.TryGetInt64(out var zero) && zero == 0)) ? unsigned : throw Bad());
                break;
            default:
                WriteInteger(target, reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var integer) ? integer : throw Bad());
                break;
        }

        _count++;
    }

    /// <summary>Hands the elements over as an input tensor (the buffer goes with it).</summary>
    public InputTensor ToTensor(long[] shape)
    {
        if (_strings is not null)
        {
            return new InputTensor(_tensor, shape, _strings);
        }

        var buffer = _buffer!;
        _buffer = null;
        return new InputTensor(_tensor, _type, shape, buffer.AsMemory(0, (int)(_count * _size)), buffer);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private float ReadSingle(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return FastFloatParser.TryParseFloat(reader.ValueSpan, out float value) && float.IsFinite(value) ? value : throw Bad();
        }

        return (float)NonFinite(ref reader);
    }

    private double ReadDouble(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return FastDoubleParser.TryParseDouble(reader.ValueSpan, out double value) && double.IsFinite(value) ? value : throw Bad();
        }

        return NonFinite(ref reader);
    }

    /// <summary>JSON has no NaN or infinities; V2 clients send them as these strings.</summary>
    private double NonFinite(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var element = string.Create(CultureInfo.InvariantCulture, $"Input '{_tensor}' element {_count}");
            if (JsonBody.TextIs(ref reader, "NaN"u8, element))
            {
                return double.NaN;
            }

            if (JsonBody.TextIs(ref reader, "Infinity"u8, element) || JsonBody.TextIs(ref reader, "inf"u8, element))
            {
                return double.PositiveInfinity;
            }

            if (JsonBody.TextIs(ref reader, "-Infinity"u8, element) || JsonBody.TextIs(ref reader, "-inf"u8, element))
            {
                return double.NegativeInfinity;
            }
        }

        throw Bad();
    }

    private void WriteInteger(Span<byte> target, long value)
    {
        switch (_type)
        {
            case TensorElementType.Int64:
                BinaryPrimitives.WriteInt64LittleEndian(target, value);
                break;
            case TensorElementType.Int32 when value is >= int.MinValue and <= int.MaxValue:
                BinaryPrimitives.WriteInt32LittleEndian(target, (int)value);
                break;
            case TensorElementType.Int16 when value is >= short.MinValue and <= short.MaxValue:
                BinaryPrimitives.WriteInt16LittleEndian(target, (short)value);
                break;
            case TensorElementType.Int8 when value is >= sbyte.MinValue and <= sbyte.MaxValue:
                target[0] = unchecked((byte)(sbyte)value);
                break;
            case TensorElementType.UInt32 when value is >= 0 and <= uint.MaxValue:
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)value);
                break;
            case TensorElementType.UInt16 when value is >= 0 and <= ushort.MaxValue:
                BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)value);
                break;
            case TensorElementType.UInt8 when value is >= 0 and <= byte.MaxValue:
                target[0] = (byte)value;
                break;
            default:
                throw Bad();
        }
    }

    /// <summary>Round-to-nearest-even truncation of an IEEE single to bfloat16's 16 bits.</summary>
    private static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        var bits = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
    }

    /// <summary>A BYTES element's UTF-8 bytes, unescaped; a 400 when they are not valid Unicode.</summary>
    private static byte[] Utf8(ref Utf8JsonReader reader, string tensor, long index)
    {
        if (!reader.ValueIsEscaped)
        {
            return System.Text.Unicode.Utf8.IsValid(reader.ValueSpan)
                ? reader.ValueSpan.ToArray()
                : throw JsonBody.NotUnicode(string.Create(CultureInfo.InvariantCulture, $"Input '{tensor}' element {index}"));
        }

        try
        {
            var unescaped = new byte[reader.ValueSpan.Length];
            return unescaped[..reader.CopyString(unescaped)];
        }
        catch (InvalidOperationException)
        {
            throw JsonBody.NotUnicode(string.Create(CultureInfo.InvariantCulture, $"Input '{tensor}' element {index}"));
        }
    }

    private Errors.MaasException Bad() => TensorDataError.Element(_tensor, _count, _type, TensorDataError.Expectation(_type));
}
