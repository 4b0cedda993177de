namespace Maas.Core.Drift;

/// <summary>
/// What the values of one feature (or channel, or tensor) looked like over some calls: how many, how many were NaN or
/// infinite, their mean, variance, minimum and maximum, and a histogram over fixed bins. Summaries of the same bins
/// merge exactly in their counts (and up to rounding in mean and variance, by Chan's parallel update), so instances
/// and minutes add up to hours.
/// </summary>
public sealed class DriftSummary(int bins)
{
    /// <summary>Finite values seen.</summary>
    public long Count { get; private set; }

    /// <summary>NaN or infinite values seen (not in the histogram or the moments).</summary>
    public long NonFinite { get; private set; }

    public double Mean { get; private set; }

    /// <summary>Sum of squared deviations from the mean (Welford's M2).</summary>
    public double SquaredDeviations { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public long[] Histogram { get; } = new long[bins];

    /// <summary>The population variance of the finite values (0 without any).</summary>
    public double Variance => Count == 0 ? 0 : SquaredDeviations / Count;

    /// <summary>A summary as stored: its counts, moments and histogram (the bins are the histogram's length).</summary>
    public static DriftSummary Restore(long count, long nonFinite, double mean, double squaredDeviations, double min, double max, ReadOnlySpan<long> histogram)
    {
        var summary = new DriftSummary(histogram.Length)
        {
            Count = count,
            NonFinite = nonFinite,
            Mean = mean,
            SquaredDeviations = squaredDeviations,
            Min = min,
            Max = max,
        };
        histogram.CopyTo(summary.Histogram);
        return summary;
    }

    /// <summary>Counts <paramref name="value"/>, in the bin <paramref name="edges"/> give it.</summary>
    public void Add(double value, ReadOnlySpan<double> edges)
    {
        if (!double.IsFinite(value))
        {
            NonFinite++;
            return;
        }

        Count++;
        var delta = value - Mean;
        Mean += delta / Count;
        SquaredDeviations += delta * (value - Mean);
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        Histogram[DriftBins.BinOf(edges, value)]++;
    }

    /// <summary>Adds <paramref name="other"/>'s values as if they had been added here (same bins).</summary>
    public void Merge(DriftSummary other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Histogram.Length != Histogram.Length)
        {
            throw new ArgumentException("Summaries merge only over the same bins.", nameof(other));
        }

        NonFinite += other.NonFinite;
        if (other.Count == 0)
        {
            return;
        }

        var total = Count + other.Count;
        var delta = other.Mean - Mean;
        SquaredDeviations += other.SquaredDeviations + (delta * delta * Count * other.Count / total);
        Mean += delta * other.Count / total;
        Count = total;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        for (var i = 0; i < Histogram.Length; i++)
        {
            Histogram[i] += other.Histogram[i];
        }
    }
}
