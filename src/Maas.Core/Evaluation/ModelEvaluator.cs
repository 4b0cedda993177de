using System.Text.Json;
using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Evaluation;

/// <summary>
/// Evaluates a version on its evaluation set: one <see cref="EvaluationPass"/> runs the lines in batches on a serving-made
/// session, a scorer compares the answers, and the gates decide.
/// </summary>
public sealed class ModelEvaluator(EvaluationPass evaluationPass, TimeProvider clock) : IModelEvaluator
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public EvaluationRun Evaluate(ModelVersionRecord version, string graphPath, string evaluationSetPath, ModelInspection inspection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(inspection);
        var evaluation = version.Config.Evaluation ?? throw new ArgumentException("The version's config has no evaluation.", nameof(version));
        EvaluationScorer? scorer = null;
        var pass = evaluationPass.Run(
            version,
            graphPath,
            evaluationSetPath,
            inspection,
            batch => (scorer ??= EvaluationScorer.For(version.Config, inspection, [.. batch.Lines[0].Expected.Keys])).Outputs,
            (line, answer) => scorer!.Add(line, answer),
            _ => scorer!.Finish(),
            cancellationToken);
        var (measured, rows, problem) = (pass.Result, pass.Rows, pass.Problem);

        var metrics = measured?.Metrics ?? new Dictionary<string, double>();
        var summary = new EvaluationSummary
        {
            EvaluationSetSha256 = pass.EvaluationSetSha256,
            Rows = rows,
            DurationMs = pass.Duration.TotalMilliseconds,
            EvaluatedAt = clock.GetUtcNow(),
            Metrics = metrics,
            Gates = problem is null ? EvaluationSummary.CheckGates(evaluation, metrics) : [],
            Problem = problem,
        };
        var report = new
        {
            model = version.Name,
            version = version.Version,
            sha256 = version.Sha256,
            task = evaluation.Task.ToString().ToLowerInvariant(),
            output = evaluation.Output,
            summary.EvaluationSetSha256,
            summary.Rows,
            summary.DurationMs,
            summary.EvaluatedAt,
            summary.Metrics,
            summary.Gates,
            summary.Passed,
            summary.Problem,
            details = measured?.Details,
        };
        return new EvaluationRun(summary, JsonSerializer.SerializeToUtf8Bytes(report, ReportJson));
    }
}
