using System.Globalization;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Evaluation;

/// <summary>
/// One pass of a version's graph over its evaluation set, as evaluation and the drift baseline both make it: a session
/// made exactly as serving makes it (<see cref="SessionFactory"/>), lines read one at a time and run in batches of up to
/// <see cref="BatchRows"/> rows, within <c>Registry:MaxEvaluationRows</c> and <c>Registry:EvaluationTimeout</c>
/// (measured on the injected clock). What stops a pass, the file's fault or the time limit or a bug here, becomes its
/// problem; only the caller's cancellation throws.
/// </summary>
public sealed partial class EvaluationPass(SessionFactory sessions, IOptions<RegistryOptions> options, TimeProvider clock, ILogger<EvaluationPass> logger)
{
    /// <summary>Most rows one run carries.</summary>
    public const int BatchRows = 256;

    /// <summary>
    /// What a pass returned, the evaluation set's SHA-256, the rows it read and how long it took; <paramref name="Problem"/>
    /// says why it stopped, if it did.
    /// </summary>
    public sealed record Outcome<T>(T? Result, string EvaluationSetSha256, long Rows, TimeSpan Duration, string? Problem);

    /// <summary>
    /// Runs each batch of <paramref name="evaluationSetPath"/> on the graph at <paramref name="graphPath"/>, asking for the
    /// outputs <paramref name="outputsFor"/> names and handing each line's answers to <paramref name="onAnswers"/>; then
    /// returns what <paramref name="finish"/> makes of it, given the rows read.
    /// </summary>
    public Outcome<T> Run<T>(
        ModelVersionRecord version,
        string graphPath,
        string evaluationSetPath,
        ModelInspection inspection,
        Func<EvaluationBatch, IReadOnlyList<string>> outputsFor,
        Action<EvaluationExample, IReadOnlyDictionary<string, OutputSlice>> onAnswers,
        Func<long, T> finish,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(outputsFor);
        ArgumentNullException.ThrowIfNull(onAnswers);
        ArgumentNullException.ThrowIfNull(finish);
        var settings = options.Value;
        var sha256 = EvaluationSet.Sha256Of(evaluationSetPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(graphPath))!;
        using var session = sessions.Create(graphPath);
        using var timeout = new CancellationTokenSource(settings.EvaluationTimeout, clock);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = clock.GetTimestamp();
        long rows = 0;

        void RunBatch(EvaluationBatch batch)
        {
            var answers = batch.Run(session, outputsFor(batch), message => ModelFolder.Redact(folder, message), budget.Token);
            for (var i = 0; i < batch.Lines.Count; i++)
            {
                onAnswers(batch.Lines[i], answers[i]);
            }

            batch.Clear();
        }

        Outcome<T> Stopped(string problem) => new(default, sha256, rows, clock.GetElapsedTime(started), problem);

        try
        {
            var batch = new EvaluationBatch(inspection);
            foreach (var line in EvaluationSet.Read(evaluationSetPath, inspection, budget.Token))
            {
                rows += line.Rows;
                if (rows > settings.MaxEvaluationRows)
                {
                    throw new EvaluationSetException(string.Create(CultureInfo.InvariantCulture, $"evaluation.jsonl has more than {settings.MaxEvaluationRows} examples (line {line.Line}); Registry:MaxEvaluationRows allows at most {settings.MaxEvaluationRows}."));
                }

                if (!batch.Accepts(line, BatchRows))
                {
                    RunBatch(batch);
                }

                batch.Add(line);
            }

            if (batch.Lines.Count > 0)
            {
                RunBatch(batch);
            }

            var result = rows == 0 ? throw new EvaluationSetException("evaluation.jsonl has no examples.") : finish(rows);
            return new Outcome<T>(result, sha256, rows, clock.GetElapsedTime(started), null);
        }
        catch (EvaluationSetException error)
        {
            return Stopped(error.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Stopped(string.Create(CultureInfo.InvariantCulture, $"Evaluation did not finish within {settings.EvaluationTimeout} (Registry:EvaluationTimeout)."));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Our bug, not the operator's: the version still registers, and the log has what went wrong.
            LogPassFault(logger, version.Name, version.Version, error);
            return Stopped($"Evaluation failed unexpectedly ({error.GetType().Name}). The app's log has the details.");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass over the evaluation set of model {ModelName} version {ModelVersion} failed unexpectedly")]
    private static partial void LogPassFault(ILogger logger, string modelName, long modelVersion, Exception error);
}
