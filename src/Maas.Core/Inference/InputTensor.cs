using System.Buffers;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Inference;

/// <summary>
/// One decoded input, ready to hand to ONNX Runtime: dense little-endian bytes (in a pooled buffer or a slice of the
/// request body) for numeric types, UTF-8 strings for BYTES. Disposing returns the pooled buffer.
/// </summary>
public sealed class InputTensor : IDisposable
{
    private byte[]? _rented;

    /// <summary>A numeric tensor over <paramref name="data"/>; <paramref name="rented"/>, when given, goes back to the shared pool on dispose.</summary>
    public InputTensor(string name, TensorElementType elementType, long[] shape, ReadOnlyMemory<byte> data, byte[]? rented = null)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Data = data;
        _rented = rented;
    }

    /// <summary>A numeric tensor over a pooled copy of <paramref name="data"/> (for bytes that do not outlive the caller, or are misaligned).</summary>
    public static InputTensor CopyOf(string name, TensorElementType elementType, long[] shape, ReadOnlySpan<byte> data)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, data.Length));
        data.CopyTo(rented);
        return new InputTensor(name, elementType, shape, rented.AsMemory(0, data.Length), rented);
    }

    /// <summary>A BYTES (ONNX string) tensor.</summary>
    public InputTensor(string name, long[] shape, IReadOnlyList<byte[]> strings)
    {
        Name = name;
        ElementType = TensorElementType.String;
        Shape = shape;
        Strings = strings;
    }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    public long[] Shape { get; }

    /// <summary>Dense element bytes (empty for strings).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>UTF-8 elements of a BYTES tensor; null for numeric types.</summary>
    public IReadOnlyList<byte[]>? Strings { get; }

    public long ElementCount => Strings?.Count ?? Data.Length / TensorElements.SizeOf(ElementType);

    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
