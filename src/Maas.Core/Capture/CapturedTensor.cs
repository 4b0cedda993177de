using System.Buffers;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Capture;

/// <summary>
/// A tensor as a capture record holds it: already de-identified and copied out of the request's buffers. Numbers keep
/// their element type as little-endian bytes, in a buffer from the shared pool that <see cref="Release"/> returns once
/// the record is written or dropped (captured tensors are often large: pooling keeps them off the large-object heap);
/// strings, and every hashed tensor, are text.
/// </summary>
public sealed class CapturedTensor
{
    private byte[]? _rented;

    private CapturedTensor(string name, TensorElementType elementType, long[] shape, ReadOnlyMemory<byte> numbers, byte[]? rented, IReadOnlyList<string>? texts)
    {
        Name = name;
        ElementType = elementType;
        Shape = shape;
        Numbers = numbers;
        _rented = rented;
        Texts = texts;
    }

    public string Name { get; }

    public TensorElementType ElementType { get; }

    public long[] Shape { get; }

    /// <summary>The element bytes of a numeric tensor; empty for text.</summary>
    public ReadOnlyMemory<byte> Numbers { get; }

    /// <summary>The elements of a string or hashed tensor; null for numbers.</summary>
    public IReadOnlyList<string>? Texts { get; }

    /// <summary>Bytes of data the record carries for this tensor (numbers' bytes, strings' characters).</summary>
    public long PayloadBytes => Texts?.Sum(text => (long)text.Length) ?? Numbers.Length;

    /// <summary>A numeric tensor holding a copy of <paramref name="numbers"/>.</summary>
    public static CapturedTensor Copy(string name, TensorElementType elementType, long[] shape, ReadOnlySpan<byte> numbers)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, numbers.Length));
        numbers.CopyTo(rented);
        return new CapturedTensor(name, elementType, shape, rented.AsMemory(0, numbers.Length), rented, null);
    }

    /// <summary>A numeric tensor of <paramref name="bytes"/> zero bytes (every element 0, or false).</summary>
    public static CapturedTensor Zeros(string name, TensorElementType elementType, long[] shape, int bytes)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, bytes));
        rented.AsSpan(0, bytes).Clear();
        return new CapturedTensor(name, elementType, shape, rented.AsMemory(0, bytes), rented, null);
    }

    public static CapturedTensor Text(string name, TensorElementType elementType, long[] shape, IReadOnlyList<string> texts)
        => new(name, elementType, shape, ReadOnlyMemory<byte>.Empty, null, texts);

    /// <summary>Returns the numbers' buffer to the pool; the tensor must not be read afterwards.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
