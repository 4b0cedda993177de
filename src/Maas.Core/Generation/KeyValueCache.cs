using System.Buffers;

namespace Maas.Core.Generation;

/// <summary>
/// The key/value cache of the sequences decoded together, one row each, as the graph takes it: per layer a key and a
/// value tensor [rows, heads, length, head size], rows left-padded to a common length (the attention mask hides the
/// padding). Two sets of buffers alternate: a step reads the past from one and has ONNX Runtime write the present
/// straight into the other, so steady decoding copies nothing. Buffers come from the shared pool and grow
/// geometrically; nothing is allocated per token once they fit. Not thread-safe: only the scheduler's loop uses it.
/// </summary>
public sealed class KeyValueCache(int layers, int heads, int headSize) : IDisposable
{
    private float[][] _current = [.. Enumerable.Repeat(Array.Empty<float>(), 2 * layers)];
    private float[][] _next = [.. Enumerable.Repeat(Array.Empty<float>(), 2 * layers)];
    private readonly List<int> _padding = [];

    public int Rows => _padding.Count;

    /// <summary>Positions per row, padding included.</summary>
    public int Length { get; private set; }

    /// <summary>Left padding of <paramref name="row"/>: positions the attention mask hides.</summary>
    public int PaddingOf(int row) => _padding[row];

    /// <summary>Elements of one tensor (a layer's key or value) at <paramref name="rows"/> × <paramref name="length"/>.</summary>
    public long ElementsAt(int rows, int length) => (long)rows * heads * length * headSize;

    /// <summary>The past of tensor <paramref name="index"/> (2 × layer for keys, + 1 for values) as the next step reads it.</summary>
    public Memory<float> Past(int index) => _current[index].AsMemory(0, checked((int)ElementsAt(Rows, Length)));

    /// <summary>Where the next step writes tensor <paramref name="index"/>'s present (one position longer), grown to fit.</summary>
    public Memory<float> Present(int index)
    {
        var size = checked((int)ElementsAt(Rows, Length + 1));
        Ensure(ref _next[index], size);
        return _next[index].AsMemory(0, size);
    }

    /// <summary>After a step: the present becomes the past, one position longer.</summary>
    public void Advance()
    {
        (_current, _next) = (_next, _current);
        Length++;
    }

    /// <summary>
    /// Adds a row from a single sequence's present tensors ([1, heads, <paramref name="length"/>, head size] per
    /// layer's key and value, in <paramref name="present"/>'s order), padding the shorter side on the left.
    /// </summary>
    public void Add(IReadOnlyList<ReadOnlyMemory<float>> present, int length)
    {
        ArgumentNullException.ThrowIfNull(present);
        var target = Math.Max(Length, length);
        var rows = Rows + 1;
        for (var index = 0; index < _current.Length; index++)
        {
            var size = checked((int)ElementsAt(rows, target));
            Ensure(ref _next[index], size);
            var destination = _next[index].AsSpan(0, size);
            for (var row = 0; row < Rows; row++)
            {
                CopyRow(_current[index], row, Length, destination, row, target);
            }

            CopyRow(present[index].Span, 0, length, destination, Rows, target);
        }

        for (var row = 0; row < _padding.Count; row++)
        {
            _padding[row] += target - Length;
        }

        _padding.Add(target - length);
        (_current, _next) = (_next, _current);
        Length = target;
    }

    /// <summary>Removes the rows <paramref name="keep"/> does not list (in their order), trimming padding every remaining row has.</summary>
    public void Keep(IReadOnlyList<int> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var trim = keep.Count == 0 ? Length : keep.Min(row => _padding[row]);
        var target = Length - trim;
        for (var index = 0; index < _current.Length; index++)
        {
            var size = checked((int)ElementsAt(keep.Count, target));
            Ensure(ref _next[index], size);
            for (var i = 0; i < keep.Count; i++)
            {
                CopyRow(_current[index], keep[i], Length, _next[index].AsSpan(0, size), i, target, trim);
            }
        }

        var padding = keep.Select(row => _padding[row] - trim).ToList();
        _padding.Clear();
        _padding.AddRange(padding);
        (_current, _next) = (_next, _current);
        Length = target;
    }

    public void Dispose()
    {
        foreach (var buffer in _current.Concat(_next).Where(b => b.Length > 0))
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        _current = [];
        _next = [];
    }

    /// <summary>
    /// Copies one row (every head), less its first <paramref name="skip"/> positions, right-aligned into a row of
    /// <paramref name="targetLength"/> positions, zeroing the padding (rented buffers hold old values, and a masked NaN
    /// would still poison the attention).
    /// </summary>
    private void CopyRow(ReadOnlySpan<float> source, int sourceRow, int sourceLength, Span<float> destination, int destinationRow, int targetLength, int skip = 0)
    {
        var kept = sourceLength - skip;
        var pad = targetLength - kept;
        for (var head = 0; head < heads; head++)
        {
            var from = source.Slice(((((sourceRow * heads) + head) * sourceLength) + skip) * headSize, kept * headSize);
            var to = destination.Slice((((destinationRow * heads) + head) * targetLength) * headSize, targetLength * headSize);
            to[..(pad * headSize)].Clear();
            from.CopyTo(to[(pad * headSize)..]);
        }
    }

    private static void Ensure(ref float[] buffer, int size)
    {
        if (buffer.Length >= size)
        {
            return;
        }

        if (buffer.Length > 0)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }

        buffer = ArrayPool<float>.Shared.Rent(size);
    }
}
