using System.Globalization;

namespace Maas.Core.Models;

/// <summary>One gate of config.json <c>evaluation.gates</c> as a version's evaluation met it or not.</summary>
/// <param name="Value">The measured value; null when the evaluation did not report the metric (e.g. ROC AUC for three classes).</param>
public sealed record GateResult(string Metric, double? Min, double? Max, double? Value, bool Passed, string? Reason);

/// <summary>
/// What the evaluation of a version's <c>evaluation.jsonl</c> found, kept on its registry row: the headline metrics,
/// the gates, and what was evaluated. The full report (per class, confusion matrix) is a blob in the evaluations container.
/// </summary>
public sealed record EvaluationSummary
{
    /// <summary>Hex SHA-256 of the evaluation.jsonl evaluated.</summary>
    public required string EvaluationSetSha256 { get; init; }

    /// <summary>Examples evaluated (rows along the first dimension, summed over lines).</summary>
    public long Rows { get; init; }

    public double DurationMs { get; init; }

    public DateTimeOffset EvaluatedAt { get; init; }

    /// <summary>The headline metrics by name (<see cref="EvaluationMetrics"/>).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<GateResult> Gates { get; init; } = [];

    /// <summary>Why no metrics could be measured (a malformed line, an unknown output, a shape mismatch, the time limit); null when they were.</summary>
    public string? Problem { get; init; }

    /// <summary>Blob name of the full report in the evaluations container; empty when none was stored.</summary>
    public string ReportBlobPath { get; init; } = string.Empty;

    /// <summary>True when the evaluation ran and every gate holds.</summary>
    public bool Passed => Problem is null && Gates.All(gate => gate.Passed);

    /// <summary>Why the version cannot be promoted on its evaluation alone; null when it passed.</summary>
    public string? FailureReason => Problem
        ?? (Gates.Where(gate => !gate.Passed).Select(gate => gate.Reason).ToList() is { Count: > 0 } reasons ? string.Join("; ", reasons) : null);

    /// <summary>Checks every gate of <paramref name="config"/> against <paramref name="metrics"/>.</summary>
    public static IReadOnlyList<GateResult> CheckGates(EvaluationConfig config, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(metrics);
        return [.. config.Gates.OrderBy(gate => gate.Key, StringComparer.Ordinal).Select(gate =>
        {
            if (!metrics.TryGetValue(gate.Key, out var value))
            {
                return new GateResult(gate.Key, gate.Value.Min, gate.Value.Max, null, false, string.Create(CultureInfo.InvariantCulture, $"{gate.Key} was not measured for this evaluation set"));
            }

            var violation = gate.Value.Violation(gate.Key, value);
            return new GateResult(gate.Key, gate.Value.Min, gate.Value.Max, value, violation is null, violation);
        })];
    }
}
