using Maas.Core.Models;

namespace Maas.Core.Drift;

/// <summary>
/// How far one feature's values over a period are from its baseline: PSI and Jensen–Shannon distance of the period's
/// histogram against the baseline's (same bins), the mean's shift in baseline standard deviations, and whether the
/// period is flagged: PSI or distance over config.json's threshold, over at least <c>Drift:MinimumValues</c> values.
/// </summary>
public sealed record DriftFigures(double? Psi, double? Jsd, double? MeanShift, bool Flagged)
{
    public static DriftFigures Of(FeatureBaseline baseline, DriftSummary period, DriftConfig config, long minimumValues)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(config);
        var psi = DriftStatistics.PopulationStabilityIndex(baseline.Histogram, period.Histogram);
        var jsd = DriftStatistics.JensenShannonDistance(baseline.Histogram, period.Histogram);
        var shift = period.Count == 0 ? null : DriftStatistics.MeanShift(baseline.Mean, baseline.Variance, period.Mean);
        var flagged = period.Count >= minimumValues && (psi > config.PsiThreshold || jsd > config.JsdThreshold);
        return new DriftFigures(psi, jsd, shift, flagged);
    }
}
