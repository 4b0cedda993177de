using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Catalog;

/// <summary>
/// The versions of a model side by side on their evaluations (<c>GET /models/{name}/evaluations</c>): each metric per
/// version, every version's gates and promotion, and which version is the default and why.
/// </summary>
/// <param name="Evaluation">config.json <c>evaluation</c> (task, output, gates, noRegression); null when the model has none.</param>
/// <param name="Metrics">Metric name → version → value, for every metric any version reported.</param>
public sealed record EvaluationComparison(
    string Name,
    long? DefaultVersion,
    string? DefaultReason,
    EvaluationConfig? Evaluation,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics,
    IReadOnlyList<VersionEvaluation> Versions)
{
    public static EvaluationComparison From(string name, IReadOnlyList<ModelVersionRecord> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        var decision = PromotionPolicy.Decide(versions);
        var newest = versions.OrderByDescending(v => v.Version).ToList();
        var metrics = newest.Where(v => v.Evaluation is not null)
            .SelectMany(v => v.Evaluation!.Metrics.Select(metric => (Metric: metric.Key, v.Version, metric.Value)))
            .GroupBy(entry => entry.Metric, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => (IReadOnlyDictionary<string, double>)group.ToDictionary(entry => entry.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), entry => entry.Value),
                StringComparer.Ordinal);
        return new EvaluationComparison(
            name,
            decision.Default?.Version,
            decision.Default is { } chosen ? decision.States.GetValueOrDefault(chosen.Version)?.Reason : null,
            newest.FirstOrDefault()?.Config.Evaluation,
            metrics,
            [.. newest.Select(v => new VersionEvaluation(v.Version, v.Status.ToString(), decision.States.GetValueOrDefault(v.Version), v.Evaluation))]);
    }
}

/// <summary>One version's line in <see cref="EvaluationComparison"/>.</summary>
public sealed record VersionEvaluation(long Version, string Status, Promotion? Promotion, EvaluationSummary? Evaluation);
