using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using Maas.Core.Inference;
using Maas.Core.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Protocol.V2;

/// <summary>
/// The binary tensor data extension's element layout: dense little-endian elements (BOOL one byte each), BYTES as
/// a 4-byte little-endian length followed by the bytes, for each element.
/// </summary>
internal static class BinaryTensorData
{
    /// <summary>A tensor over <paramref name="chunk"/> of the request body, without a copy when the chunk is aligned for its element type.</summary>
    public static InputTensor Read(string name, TensorElementType type, long[] shape, ReadOnlyMemory<byte> chunk)
    {
        var count = TensorElements.CountOf(name, shape);
        if (type == TensorElementType.String)
        {
            return new InputTensor(name, shape, ReadStrings(name, count, chunk.Span));
        }

        var size = TensorElements.SizeOf(type);
        if (chunk.Length != count * size)
        {
            throw TensorDataError.Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"Input '{name}' has {chunk.Length} bytes of binary data; shape {TensorElements.Format(shape)} of {V2DataType.NameOf(type)} needs {count * size}."));
        }

        if (MemoryMarshal.TryGetArray(chunk, out var segment) && segment.Offset % size == 0)
        {
            return new InputTensor(name, type, shape, chunk);
        }

        return InputTensor.CopyOf(name, type, shape, chunk.Span);
    }

    /// <summary>Bytes an output tensor takes in binary form.</summary>
    public static long SizeOf(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.String)
        {
            return value.GetTensorSizeInBytes();
        }

        var count = (int)info.ElementCount;
        long total = 0;
        for (var i = 0; i < count; i++)
        {
            total += sizeof(int) + value.GetStringElementAsSpan(i).Length;
        }

        return total;
    }

    public static void Write(PooledBufferWriter writer, OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != TensorElementType.String)
        {
            writer.Write(value.GetTensorMutableRawData());
            return;
        }

        var count = (int)info.ElementCount;
        for (var i = 0; i < count; i++)
        {
            var utf8 = value.GetStringElementAsSpan(i);
            var target = writer.GetSpan(sizeof(int) + utf8.Length);
            BinaryPrimitives.WriteInt32LittleEndian(target, utf8.Length);
            utf8.CopyTo(target[sizeof(int)..]);
            writer.Advance(sizeof(int) + utf8.Length);
        }
    }

    private static byte[][] ReadStrings(string name, long count, ReadOnlySpan<byte> chunk)
    {
        var strings = new List<byte[]>();
        var offset = 0;
        while (offset < chunk.Length)
        {
            if (chunk.Length - offset < sizeof(int))
            {
                throw Malformed(name, "ends inside an element's 4-byte length");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(chunk[offset..]);
            offset += sizeof(int);
            if (length < 0 || length > chunk.Length - offset)
            {
                throw Malformed(name, string.Create(CultureInfo.InvariantCulture, $"element {strings.Count} announces {length} bytes but {chunk.Length - offset} remain"));
            }

            strings.Add(chunk.Slice(offset, length).ToArray());
            offset += length;
        }

        return strings.Count == count
            ? [.. strings]
            : throw Malformed(name, string.Create(CultureInfo.InvariantCulture, $"holds {strings.Count} elements but its shape needs {count}"));
    }

    private static Errors.MaasException Malformed(string name, string problem)
        => TensorDataError.Invalid($"Input '{name}' BYTES binary data {problem}; each element is a 4-byte little-endian length followed by that many bytes.");
}
