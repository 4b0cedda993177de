using System.Buffers.Binary;
using Maas.Core.Inference;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Drift;

/// <summary>Reads a numeric tensor's little-endian element bytes as doubles (booleans as 0 and 1).</summary>
public static class ElementReader
{
    public static bool CanRead(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16
        or TensorElementType.Int8 or TensorElementType.Int16 or TensorElementType.Int32 or TensorElementType.Int64
        or TensorElementType.UInt8 or TensorElementType.UInt16 or TensorElementType.UInt32 or TensorElementType.UInt64 or TensorElementType.Bool;

    /// <summary>The elements of <paramref name="bytes"/> (of <paramref name="type"/>) as doubles.</summary>
    public static double[] Read(TensorElementType type, ReadOnlySpan<byte> bytes)
    {
        var size = TensorElements.SizeOf(type);
        var values = new double[bytes.Length / size];
        for (var i = 0; i < values.Length; i++)
        {
            var element = bytes.Slice(i * size, size);
            values[i] = type switch
            {
                TensorElementType.Float => BinaryPrimitives.ReadSingleLittleEndian(element),
                TensorElementType.Double => BinaryPrimitives.ReadDoubleLittleEndian(element),
                TensorElementType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(element),
                TensorElementType.Int8 => (sbyte)element[0],
                TensorElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(element),
                TensorElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(element),
                TensorElementType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(element),
                TensorElementType.UInt8 => element[0],
                TensorElementType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(element),
                TensorElementType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(element),
                TensorElementType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(element),
                TensorElementType.Bool => element[0] != 0 ? 1 : 0,
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a numeric element type drift reads."),
            };
        }

        return values;
    }
}
