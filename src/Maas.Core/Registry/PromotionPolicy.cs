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
/// default, whatever order its files arrived in; it stays servable by explicit version.
/// </summary>
public static class PromotionPolicy
{
    public const string Default = "default";
    public const string Passed = "passed";
    public const string Rejected = "rejected";
    public const string AwaitingEvaluation = "awaiting evaluation";
    public const string NotReady = "not ready";

    /// <summary>The default version (null when none qualifies) and every version's promotion state.</summary>
    public static PromotionDecision Decide(IReadOnlyList<ModelVersionRecord> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var config = versions.MaxBy(v => v.Version)?.Config ?? ModelConfig.Default;
        var evaluation = config.Evaluation;
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
            states[version.Version] = new Promotion(state, reason);
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
                ? promotion with { State = Default, Reason = pinned is null ? DefaultReason(evaluation) : "config.json defaultVersion pins this version." }
                : promotion with { Reason = pinned is null ? promotion.Reason + string.Create(CultureInfo.InvariantCulture, $" Version {chosen?.Version} is newer and qualifies too.") : string.Create(CultureInfo.InvariantCulture, $"{promotion.Reason} config.json defaultVersion pins version {pinned}.") };
        }

        if (chosen is not null && pinned is not null && states.TryGetValue(chosen.Version, out var pinnedState) && pinnedState.State != Default)
        {
            states[chosen.Version] = new Promotion(Default, $"config.json defaultVersion pins this version ({pinnedState.State}: {pinnedState.Reason})");
        }

        return new PromotionDecision(chosen, states);
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

/// <summary>The default version (null when none qualifies) and each version's promotion state, by version number.</summary>
public sealed record PromotionDecision(ModelVersionRecord? Default, IReadOnlyDictionary<long, Promotion> States);
