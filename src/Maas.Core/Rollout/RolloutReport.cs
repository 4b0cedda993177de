using Maas.Core.Models;

namespace Maas.Core.Rollout;

/// <summary>The answer of <c>GET /models/{name}/rollout</c>: the split, where the rollout stands, each version's live figures beside the gates, and the decisions made.</summary>
/// <param name="State"><c>not started</c> (its canary or shadow does not qualify yet), <c>running</c>, <c>promoted</c> or <c>rolled back</c>.</param>
/// <param name="DefaultVersion">The version serving calls made without a version, apart from the canary's share.</param>
/// <param name="BeganAt">When the rollout's clock started; null before it started.</param>
/// <param name="From">The start of the figures: when the rollout began, else an hour before <paramref name="To"/>.</param>
/// <param name="To">The end of the figures: the last minute the metrics rollup closed.</param>
public sealed record RolloutReport(
    string Model,
    string State,
    long? DefaultVersion,
    RolloutSplitReport Split,
    RolloutGatesReport Gates,
    PromoteReport? Promote,
    bool Rollback,
    DateTimeOffset? BeganAt,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<RolloutVersionReport> Versions,
    IReadOnlyList<RolloutDecisionRecord> Decisions);

/// <summary>Who serves what now: the canary's share (0 unless it runs) and the shadow's copies (0 unless it runs).</summary>
public sealed record RolloutSplitReport(CanaryReport? Canary, ShadowReport? Shadow);

/// <param name="Percent">Of the calls made without a version, as config.json sets it.</param>
/// <param name="Serving">Whether it takes its share now: the rollout runs and the version qualifies.</param>
public sealed record CanaryReport(long Version, double Percent, string Sticky, bool Serving);

/// <param name="Percent">Of the default's calls, as config.json sets it.</param>
/// <param name="Running">Whether copies run now.</param>
public sealed record ShadowReport(long Version, double Percent, bool Running);

/// <summary>The gates as config.json sets them (null: not checked).</summary>
public sealed record RolloutGatesReport(double? MaxErrorRate, double? MaxP95Ms, double? MaxDriftPsi, double? MinAgreement, double AbsoluteTolerance, double RelativeTolerance);

public sealed record PromoteReport(TimeSpan After, long MinRequests);

/// <summary>One version's figures over the report's range, merged across instances.</summary>
/// <param name="Role"><c>default</c>, <c>canary</c> or <c>shadow</c>.</param>
/// <param name="Failed">Calls the version failed (5xx, or a refusal from running the model).</param>
/// <param name="ShadowCalls">Shadow copies among <paramref name="Requests"/>.</param>
/// <param name="Agreement">The share of compared shadow copies whose outputs agreed with the default's; null when none were compared.</param>
/// <param name="ShadowDropped">For the default: calls whose shadow copy was dropped because the queue was full.</param>
/// <param name="PastGates">The gates this range's figures are past (the canary's and the shadow's; the default is not held to them).</param>
public sealed record RolloutVersionReport(
    long Version,
    string Role,
    long Requests,
    long Failed,
    double ErrorRate,
    double P95Ms,
    long ShadowCalls,
    long Compared,
    double? Agreement,
    long ShadowDropped,
    IReadOnlyList<string> PastGates);
