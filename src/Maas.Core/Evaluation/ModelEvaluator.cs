using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Evaluation;

/// <summary>
/// Evaluates a version on its evaluation set with a session made exactly as serving makes it (<see cref="SessionFactory"/>):
/// lines are read one at a time, run in batches of up to <see cref="BatchRows"/> rows, scored, and gated.
/// </summary>
public sealed partial class ModelEvaluator(SessionFactory sessions, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<ModelEvaluator> logger) : IModelEvaluator
{
    /// <summary>Most rows one evaluation run carries.</summary>
    public const int BatchRows = 256;

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public EvaluationRun Evaluate(ModelVersionRecord version, string graphPath, string evaluationSetPath, ModelInspection inspection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(inspection);
        var evaluation = version.Config.Evaluation ?? throw new ArgumentException("The version's config has no evaluation.", nameof(version));
        var settings = options.Value;
        using var timeout = new CancellationTokenSource(settings.EvaluationTimeout, clock);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = clock.GetTimestamp();

        long rows = 0;
        Measured? measured = null;
        string? problem = null;
        try
        {
            (measured, rows) = Measure(version.Config, graphPath, evaluationSetPath, inspection, settings.MaxEvaluationRows, budget.Token);
        }
        catch (EvaluationSetException error)
        {
            problem = error.Message;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"Evaluation did not finish within {settings.EvaluationTimeout} (Registry:EvaluationTimeout).");
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Our bug, not the operator's: the version still registers, unpromoted, and the log has what went wrong.
            LogEvaluationFault(logger, version.Name, version.Version, error);
            problem = $"Evaluation failed unexpectedly ({error.GetType().Name}); the version is not promoted. The app's log has the details.";
        }

        var metrics = measured?.Metrics ?? new Dictionary<string, double>();
        var summary = new EvaluationSummary
        {
            EvaluationSetSha256 = Sha256Of(evaluationSetPath),
            Rows = rows,
            DurationMs = clock.GetElapsedTime(started).TotalMilliseconds,
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

    private (Measured Measured, long Rows) Measure(ModelConfig config, string graphPath, string evaluationSetPath, ModelInspection inspection, int maxRows, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(graphPath))!;
        string Redact(string message) => message.Replace(folder + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).Replace(folder, string.Empty, StringComparison.Ordinal);

        using var session = sessions.Create(graphPath);
        var batch = new EvaluationBatch(inspection);
        EvaluationScorer? scorer = null;
        long rows = 0;

        void Flush()
        {
            if (batch.Lines.Count == 0)
            {
                return;
            }

            scorer ??= EvaluationScorer.For(config, inspection, [.. batch.Lines[0].Expected.Keys]);
            var answers = batch.Run(session, scorer.Outputs, Redact, cancellationToken);
            for (var i = 0; i < batch.Lines.Count; i++)
            {
                scorer.Add(batch.Lines[i], answers[i]);
            }

            batch.Clear();
        }

        foreach (var line in Read(evaluationSetPath, inspection, cancellationToken))
        {
            rows += line.Rows;
            if (rows > maxRows)
            {
                throw new EvaluationSetException(string.Create(CultureInfo.InvariantCulture, $"evaluation.jsonl has more than {maxRows} examples (line {line.Line}); Registry:MaxEvaluationRows allows at most {maxRows}."));
            }

            if (!batch.Accepts(line, BatchRows))
            {
                Flush();
            }

            batch.Add(line);
        }

        Flush();
        return scorer is null ? throw new EvaluationSetException("evaluation.jsonl has no examples.") : (scorer.Finish(), rows);
    }

    private static IEnumerable<EvaluationExample> Read(string path, ModelInspection inspection, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            EvaluationExample line;
            try
            {
                line = EvaluationSet.ParseLine(text, number, inspection);
            }
            catch (EvaluationSetException error)
            {
                throw new EvaluationSetException(EvaluationSet.AtLine(number, error.Message));
            }

            yield return line;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Evaluating model {ModelName} version {ModelVersion} failed unexpectedly")]
    private static partial void LogEvaluationFault(ILogger logger, string modelName, long modelVersion, Exception error);

    private static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}
