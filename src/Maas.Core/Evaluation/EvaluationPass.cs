using System.Globalization;
using Maas.Core.Registry;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Evaluation;

/// <summary>
/// One pass over a version's evaluation set, as evaluation and the drift baseline both make it: lines read one at a
/// time and run in batches of up to <see cref="BatchRows"/> rows, within <c>Registry:MaxEvaluationRows</c> and
/// <c>Registry:EvaluationTimeout</c> (measured on the injected clock). What stops a pass, the file's fault or the time
/// limit or a bug here, becomes its problem; only the caller's cancellation throws.
/// </summary>
public static partial class EvaluationPass
{
    /// <summary>Most rows one run carries.</summary>
    public const int BatchRows = 256;

    /// <summary>What a pass returned, the rows it read and how long it took; <paramref name="Problem"/> says why it stopped, if it did.</summary>
    public sealed record Outcome<T>(T? Result, long Rows, TimeSpan Duration, string? Problem);

    /// <summary>
    /// Reads <paramref name="evaluationSetPath"/>, hands each batch to <paramref name="onBatch"/>, then returns what
    /// <paramref name="finish"/> makes of it.
    /// </summary>
    public static Outcome<T> Run<T>(
        ModelVersionRecord version,
        string evaluationSetPath,
        ModelInspection inspection,
        RegistryOptions settings,
        TimeProvider clock,
        ILogger logger,
        Action<EvaluationBatch, CancellationToken> onBatch,
        Func<long, T> finish,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(onBatch);
        ArgumentNullException.ThrowIfNull(finish);
        using var timeout = new CancellationTokenSource(settings.EvaluationTimeout, clock);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = clock.GetTimestamp();
        long rows = 0;
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
                    onBatch(batch, budget.Token);
                    batch.Clear();
                }

                batch.Add(line);
            }

            if (batch.Lines.Count > 0)
            {
                onBatch(batch, budget.Token);
            }

            var result = rows == 0 ? throw new EvaluationSetException("evaluation.jsonl has no examples.") : finish(rows);
            return new Outcome<T>(result, rows, clock.GetElapsedTime(started), null);
        }
        catch (EvaluationSetException error)
        {
            return new Outcome<T>(default, rows, clock.GetElapsedTime(started), error.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new Outcome<T>(default, rows, clock.GetElapsedTime(started), string.Create(CultureInfo.InvariantCulture, $"Evaluation did not finish within {settings.EvaluationTimeout} (Registry:EvaluationTimeout)."));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Our bug, not the operator's: the version still registers, and the log has what went wrong.
            LogPassFault(logger, version.Name, version.Version, error);
            return new Outcome<T>(default, rows, clock.GetElapsedTime(started), $"Evaluation failed unexpectedly ({error.GetType().Name}). The app's log has the details.");
        }
    }

    /// <summary>Cuts the folder of <paramref name="graphPath"/> out of an ONNX Runtime message.</summary>
    public static Func<string, string> RedactorFor(string graphPath)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(graphPath))!;
        return message => message.Replace(folder + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).Replace(folder, string.Empty, StringComparison.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass over the evaluation set of model {ModelName} version {ModelVersion} failed unexpectedly")]
    private static partial void LogPassFault(ILogger logger, string modelName, long modelVersion, Exception error);
}
