namespace Maas.Core.Drift;

/// <summary>The answer of <c>GET /models/{name}/drift</c>: per input, output and predicted-class distribution, the hours in range.</summary>
/// <param name="Baseline">What the figures compare with; null when the version has no baseline (yet).</param>
public sealed record DriftReport(
    string Model,
    long Version,
    DateTimeOffset From,
    DateTimeOffset To,
    DriftThresholds? Thresholds,
    DriftBaselineReport? Baseline,
    IReadOnlyList<DriftTensorReport> Tensors);

/// <summary>config.json's thresholds, and the fewest values a feature needs in an hour to be flagged (<c>Drift:MinimumValues</c>).</summary>
public sealed record DriftThresholds(double Psi, double Jsd, long MinimumValues);

/// <param name="Source"><c>evaluation</c> (the evaluation set) or <c>live</c> (a window of traffic).</param>
public sealed record DriftBaselineReport(string Source, long Rows, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>One input, output or predicted-class distribution and its hours, oldest first.</summary>
/// <param name="Side"><c>input</c>, <c>output</c> or <c>prediction</c>.</param>
/// <param name="Granularity"><c>feature</c>, <c>channel</c> or <c>tensor</c>: what each entry of <c>features</c> stands for.</param>
/// <param name="BaselineClassCounts">For a predicted-class distribution, the baseline's count per class.</param>
public sealed record DriftTensorReport(
    string Side,
    string Name,
    string Granularity,
    int Features,
    IReadOnlyList<long>? BaselineClassCounts,
    IReadOnlyList<DriftHourReport> Hours);

/// <param name="Flagged">Whether any feature of the hour is flagged.</param>
public sealed record DriftHourReport(DateTimeOffset Hour, long Values, bool Flagged, IReadOnlyList<DriftFeatureReport> Features);

/// <summary>One feature (or channel, or the tensor) over one hour: its values' summary and how far it is from the baseline.</summary>
/// <param name="ClassCounts">For a predicted-class distribution, the hour's count per class.</param>
public sealed record DriftFeatureReport(
    int Feature,
    long Count,
    long NonFinite,
    double? Mean,
    double? Min,
    double? Max,
    double? Psi,
    double? Jsd,
    double? MeanShift,
    bool Flagged,
    IReadOnlyList<long>? ClassCounts);
