namespace Maas.Core.Drift;

/// <summary>
/// How far a period's histogram is from the baseline's over the same bins: the population stability index, the
/// Jensen–Shannon distance, and the shift of the mean in baseline standard deviations.
/// </summary>
public static class DriftStatistics
{
    /// <summary>
    /// The share a bin with no values counts as in PSI, whose logarithm would otherwise be infinite (the common convention
    /// of PSI tools; it bounds one empty bin's term).
    /// </summary>
    public const double EmptyBinShare = 1e-4;

    /// <summary>
    /// PSI = Σ (a_i − e_i) · ln(a_i / e_i) over the bins, with a and e the shares of the period's and the baseline's values
    /// (an empty bin's share taken as <see cref="EmptyBinShare"/>). 0 for identical histograms; above 0.2 is usually read
    /// as a significant shift. Null when either histogram is empty.
    /// </summary>
    public static double? PopulationStabilityIndex(ReadOnlySpan<long> baseline, ReadOnlySpan<long> period)
    {
        CheckSameBins(baseline, period);
        var (expectedTotal, actualTotal) = (Sum(baseline), Sum(period));
        if (expectedTotal == 0 || actualTotal == 0)
        {
            return null;
        }

        var psi = 0.0;
        for (var i = 0; i < baseline.Length; i++)
        {
            var e = Math.Max((double)baseline[i] / expectedTotal, EmptyBinShare);
            var a = Math.Max((double)period[i] / actualTotal, EmptyBinShare);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>
    /// The Jensen–Shannon distance: the square root of the Jensen–Shannon divergence with base-2 logarithms, so 0 for
    /// identical distributions and 1 for ones with no bin in common (0 · log 0 counts as 0). Null when either is empty.
    /// </summary>
    public static double? JensenShannonDistance(ReadOnlySpan<long> baseline, ReadOnlySpan<long> period)
    {
        CheckSameBins(baseline, period);
        var (pTotal, qTotal) = (Sum(baseline), Sum(period));
        if (pTotal == 0 || qTotal == 0)
        {
            return null;
        }

        var divergence = 0.0;
        for (var i = 0; i < baseline.Length; i++)
        {
            var p = (double)baseline[i] / pTotal;
            var q = (double)period[i] / qTotal;
            var m = (p + q) / 2;
            divergence += (Term(p, m) + Term(q, m)) / 2;
        }

        // Rounding can leave a hair below 0 for identical inputs.
        return Math.Sqrt(Math.Max(0, divergence));
    }

    /// <summary>(period mean − baseline mean) / baseline standard deviation; null when the baseline does not vary.</summary>
    public static double? MeanShift(double baselineMean, double baselineVariance, double periodMean)
        => baselineVariance > 0 ? (periodMean - baselineMean) / Math.Sqrt(baselineVariance) : null;

    private static double Term(double share, double mixture) => share == 0 ? 0 : share * Math.Log2(share / mixture);

    private static long Sum(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (var count in counts)
        {
            total += count;
        }

        return total;
    }

    private static void CheckSameBins(ReadOnlySpan<long> baseline, ReadOnlySpan<long> period)
    {
        if (baseline.Length != period.Length)
        {
            throw new ArgumentException("Both histograms must have the same bins.", nameof(period));
        }
    }
}
