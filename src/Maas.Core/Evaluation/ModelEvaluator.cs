using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Evaluation;

/// <summary>
/// Evaluates a version on its evaluation set with a session made exactly as serving makes it (<see cref="SessionFactory"/>):
/// one <see cref="EvaluationPass"/> runs the lines in batches, a scorer compares the answers, and the gates decide.
/// </summary>
public sealed class ModelEvaluator(SessionFactory sessions, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<ModelEvaluator> logger) : IModelEvaluator
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public EvaluationRun Evaluate(ModelVersionRecord version, string graphPath, string evaluationSetPath, ModelInspection inspection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(inspection);
        var evaluation = version.Config.Evaluation ?? throw new ArgumentException("The version's config has no evaluation.", nameof(version));
        using var session = sessions.Create(graphPath);
        var redact = EvaluationPass.RedactorFor(graphPath);
        EvaluationScorer? scorer = null;
        var pass = EvaluationPass.Run(
            version,
            evaluationSetPath,
            inspection,
            options.Value,
            clock,
            logger,
            (batch, token) =>
            {
                scorer ??= EvaluationScorer.For(version.Config, inspection, [.. batch.Lines[0].Expected.Keys]);
                var answers = batch.Run(session, scorer.Outputs, redact, token);
                for (var i = 0; i < batch.Lines.Count; i++)
                {
                    scorer.Add(batch.Lines[i], answers[i]);
                }
            },
            _ => scorer!.Finish(),
            cancellationToken);
        var (measured, rows, problem) = (pass.Result, pass.Rows, pass.Problem);

        var metrics = measured?.Metrics ?? new Dictionary<string, double>();
        var summary = new EvaluationSummary
        {
            EvaluationSetSha256 = EvaluationSet.Sha256Of(evaluationSetPath),
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
