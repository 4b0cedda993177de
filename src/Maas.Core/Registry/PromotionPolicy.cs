using System.Globalization;
using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>Where a version stands for becoming its model's default (<c>"promotion"</c> in the management API).</summary>
/// <param name="State">One of the <see cref="PromotionPolicy"/> states.</param>
/// <param name="Reason">Why, in words: the gate that failed, the version that pins the default, what is awaited.</param>
public sealed record Promotion(string State, string Reason);

/// <summary>
/// Which version serves when a caller names none. <c>defaultVersion</c> in config.json pins it. Otherwise versions are
/// considered in order, as they were added: a Ready version becomes the default when the model has no <c>evaluation</c>,
/// or when its evaluation passed every gate and it is not worse than the default before it by more than
/// <c>noRegression.tolerance</c> on <c>noRegression.metric</c>. A version awaiting or failing evaluation never becomes the
/// default, whatever order its files arrived in; it stays servable by explicit version. While a <c>rollout</c> runs, the
/// versions it names (canary, shadow) are not made the default by this rule; a canary becomes eligible once its
/// rollout promotes it, and a rolled-back canary never while config.json names it.
/// </summary>
public static class PromotionPolicy
{
    public const string Default = "default";
    public const string Passed = "passed";
    public const string Rejected = "rejected";
    public const string AwaitingEvaluation = "awaiting evaluation";
    public const string NotReady = "not ready";
    public const string Canary = "canary";
    public const string Shadow = "shadow";
    public const string RolledBack = "rolled back";

    /// <summary>How the reason of a canary its rollout promoted begins (the promotion decision, as evaluation's are).</summary>
    public const string PromotedByRollout = "Promoted by its rollout: ";

    /// <summary>The default version (null when none qualifies) and every version's promotion state.</summary>
    public static PromotionDecision Decide(IReadOnlyList<ModelVersionRecord> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var config = versions.MaxBy(v => v.Version)?.Config ?? ModelConfig.Default;
        var evaluation = config.Evaluation;
        var rollout = config.Rollout;
        var record = RolloutHome(rollout, versions);
        var rolloutState = record?.State ?? RolloutState.Running;
        var states = new Dictionary<long, Promotion>();
        ModelVersionRecord? promoted = null;
        foreach (var version in versions.OrderBy(v => v.Version))
        {
            var (state, reason) = version switch
            {
                { Status: not ModelStatus.Ready } => (NotReady, $"The version is {version.Status}."),
                _ when evaluation is null => (Passed, "The model has no evaluation in config.json: every Ready version qualifies."),
                { Evaluation: null } => (AwaitingEvaluation, "config.json asks for evaluation, and this version's evaluation.jsonl has not been uploaded or evaluated yet."),
                { Evaluation.FailureReason: { } failure } => (Rejected, failure),
                _ => Regression(version, promoted, evaluation.NoRegression) is { } regression ? (Rejected, regression) : (Passed, "Its evaluation passed every gate."),
            };
            if (rollout is not null && rollout.Versions.Contains(version.Version) && !(rolloutState == RolloutState.Promoted && version.Version == rollout.Canary?.Version))
            {
                states[version.Version] = InRollout(version, rollout, rolloutState, new Promotion(state, reason));
                continue;
            }

            states[version.Version] = state == Passed && version.Version == rollout?.Canary?.Version
                ? new Promotion(Passed, PromotedByRollout + (record?.Decisions is [.., var last] ? last.Reason : "the canary passed its window."))
                : new Promotion(state, reason);
            if (state == Passed)
            {
                promoted = version;
            }
        }

        var pinned = config.DefaultVersion;
        var chosen = pinned is { } pin ? versions.FirstOrDefault(v => v.Version == pin) : promoted;
        foreach (var (number, promotion) in states.Where(pair => pair.Value.State == Passed).ToList())
        {
            states[number] = number == chosen?.Version
                ? promotion with { State = Default, Reason = pinned is not null ? "config.json defaultVersion pins this version." : promotion.Reason.StartsWith(PromotedByRollout, StringComparison.Ordinal) ? promotion.Reason : DefaultReason(evaluation) }
                : promotion with { Reason = pinned is null ? promotion.Reason + string.Create(CultureInfo.InvariantCulture, $" Version {chosen?.Version} is newer and qualifies too.") : string.Create(CultureInfo.InvariantCulture, $"{promotion.Reason} config.json defaultVersion pins version {pinned}.") };
        }

        if (chosen is not null && pinned is not null && states.TryGetValue(chosen.Version, out var pinnedState) && pinnedState.State != Default)
        {
            states[chosen.Version] = new Promotion(Default, $"config.json defaultVersion pins this version ({pinnedState.State}: {pinnedState.Reason})");
        }

        return new PromotionDecision(chosen, states, rollout is null ? null : PlanOf(rollout, record, rolloutState, versions, states));
    }

    /// <summary>The record kept on the rollout's home row (its canary, else its shadow) when it is about this config's versions; a rollout without one runs.</summary>
    private static RolloutRecord? RolloutHome(RolloutConfig? rollout, IReadOnlyList<ModelVersionRecord> versions)
        => rollout is null ? null : versions.FirstOrDefault(v => v.Version == RolloutRecord.HomeOf(rollout))?.Rollout is { } record && record.IsFor(rollout) ? record : null;

    /// <summary>
    /// The state of a version the rollout names while the highest-Ready rule must pass it by: a qualifying canary is
    /// <see cref="Canary"/> (or <see cref="RolledBack"/>), a Ready shadow <see cref="Shadow"/>; one that does not qualify keeps
    /// its own state, with a word on what the rollout waits for.
    /// </summary>
    private static Promotion InRollout(ModelVersionRecord version, RolloutConfig rollout, RolloutState state, Promotion own)
    {
        if (version.Version == rollout.Canary?.Version)
        {
            return (own.State, state) switch
            {
                (_, RolloutState.RolledBack) => new Promotion(RolledBack, "Its rollout rolled it back; it takes no calls made without a version while config.json names it as the canary."),
                (Passed, _) => new Promotion(Canary, FormattableString.Invariant($"The canary of a running rollout: {rollout.Canary.Percent}% of the calls made without a version; it becomes the default if the rollout promotes it.")),
                _ => own with { Reason = own.Reason + " It is named as the rollout's canary and takes no calls until it qualifies." },
            };
        }

        return version.Status == ModelStatus.Ready
            ? new Promotion(Shadow, FormattableString.Invariant($"The shadow of a rollout: copies of {rollout.Shadow!.Percent}% of the default's calls run on it while the rollout runs; its answers are never returned."))
            : own with { Reason = own.Reason + " It is named as the rollout's shadow." };
    }

    private static RolloutPlan PlanOf(RolloutConfig rollout, RolloutRecord? record, RolloutState state, IReadOnlyList<ModelVersionRecord> versions, Dictionary<long, Promotion> states)
    {
        ModelVersionRecord? Serving(long? number, string role) => state == RolloutState.Running && number is { } n && states.TryGetValue(n, out var promotion) && promotion.State == role
            ? versions.First(v => v.Version == n)
            : null;
        return new RolloutPlan(rollout, record, state, Serving(rollout.Canary?.Version, Canary), Serving(rollout.Shadow?.Version, Shadow));
    }

    private static string DefaultReason(EvaluationConfig? evaluation) => evaluation is null
        ? "The highest Ready version (the model has no evaluation in config.json)."
        : "The highest Ready version that passes its evaluation gates.";

    /// <summary>Why <paramref name="version"/> falls too far below <paramref name="current"/> on the rule's metric; null when it does not.</summary>
    private static string? Regression(ModelVersionRecord version, ModelVersionRecord? current, NoRegressionRule? rule)
    {
        if (rule is null || current?.Evaluation?.Metrics.TryGetValue(rule.Metric, out var before) != true)
        {
            return null;
        }

        if (!version.Evaluation!.Metrics.TryGetValue(rule.Metric, out var now))
        {
            return $"{rule.Metric} was not measured, and noRegression compares it with the default version.";
        }

        var higherIsBetter = EvaluationMetrics.HigherIsBetter(rule.Metric);
        var worseBy = higherIsBetter ? before - now : now - before;
        return worseBy > rule.Tolerance
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{rule.Metric} {EvaluationMetrics.Format(now)} is {(higherIsBetter ? "below" : "above")} version {current!.Version}'s {EvaluationMetrics.Format(before)} by more than noRegression.tolerance {EvaluationMetrics.Format(rule.Tolerance)}")
            : null;
    }
}

/// <summary>The default version (null when none qualifies), each version's promotion state by version number, and the model's rollout, if config.json has one.</summary>
public sealed record PromotionDecision(ModelVersionRecord? Default, IReadOnlyDictionary<long, Promotion> States, RolloutPlan? Rollout = null);

/// <summary>
/// A model's rollout as serving applies it: its config, the record kept so far (null before its first aggregation),
/// where it stands, and the versions it serves now: <paramref name="Canary"/> takes its share and <paramref name="Shadow"/>
/// its copies only while it runs and each qualifies (null otherwise).
/// </summary>
public sealed record RolloutPlan(RolloutConfig Config, RolloutRecord? Record, RolloutState State, ModelVersionRecord? Canary, ModelVersionRecord? Shadow);
