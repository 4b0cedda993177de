using HdrHistogram;
using HdrHistogram.Utilities;

namespace Maas.Core.Monitoring;

/// <summary>
/// A latency histogram that merges exactly across instances (HdrHistogram): microsecond values from 1 µs to 10 min
/// with two significant digits, so any quantile is within 1% of the exact value; stored compressed in a table column.
/// </summary>
public sealed class LatencyHistogram
{
    public const long LowestMicroseconds = 1;
    public const long HighestMicroseconds = 10L * 60 * 1_000_000;
    public const int SignificantDigits = 2;

    private readonly HistogramBase _histogram;

    public LatencyHistogram()
        : this(new LongHistogram(LowestMicroseconds, HighestMicroseconds, SignificantDigits))
    {
    }

    private LatencyHistogram(HistogramBase histogram) => _histogram = histogram;

    public long Count => _histogram.TotalCount;

    /// <summary>Records one latency; values outside 1 µs..10 min are clamped to the range.</summary>
    public void Record(TimeSpan latency) => _histogram.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, LowestMicroseconds, HighestMicroseconds));

    /// <summary>Adds every value of <paramref name="other"/> (exact merge).</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _histogram.Add(other._histogram);
    }

    /// <summary>The latency at quantile <paramref name="quantile"/> (0..1); zero when empty.</summary>
    public TimeSpan Quantile(double quantile)
        => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(_histogram.GetValueAtPercentile(quantile * 100));

    public TimeSpan Max => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(_histogram.GetMaxValue());

    public byte[] ToBytes()
    {
        var buffer = ByteBuffer.Allocate(_histogram.GetNeededByteBufferCapacity());
        var length = _histogram.EncodeIntoCompressedByteBuffer(buffer);
        buffer.Position = 0;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }

        return bytes;
    }

    public static LatencyHistogram FromBytes(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new LatencyHistogram(HistogramEncoding.DecodeFromCompressedByteBuffer(ByteBuffer.Allocate(bytes), HighestMicroseconds));
    }
}
