using System.Text.Json;
using Maas.Core.Registry;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Batch;

/// <summary>
/// Batches started by dropping a file, as models are dropped: a JSONL blob uploaded to the drop container as
/// <c>&lt;model&gt;/&lt;anything&gt;.jsonl</c> runs against <c>/models/&lt;model&gt;/predict</c>, or against the
/// endpoint its sidecar <c>&lt;anything&gt;.batch.json</c> (<c>{"endpoint": ...}</c>, uploaded first) names. Its
/// results land beside it: <c>&lt;anything&gt;.output.jsonl</c> and <c>&lt;anything&gt;.errors.jsonl</c>.
/// </summary>
public sealed partial class BatchDrops(BatchJobs jobs, BatchFileStore files, ILogger<BatchDrops> logger)
{
    public const string InputSuffix = ".jsonl";
    public const string OutputSuffix = ".output.jsonl";
    public const string ErrorSuffix = ".errors.jsonl";
    public const string SidecarSuffix = ".batch.json";

    /// <summary>The drop <paramref name="path"/> names: the model folder and its blobs; null for what is not an input (results, sidecars, other files, no model folder).</summary>
    public static (string Model, BatchDrop Drop)? Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !path.EndsWith(InputSuffix, StringComparison.Ordinal) || path.EndsWith(OutputSuffix, StringComparison.Ordinal) || path.EndsWith(ErrorSuffix, StringComparison.Ordinal))
        {
            return null;
        }

        var model = path[..slash];
        if (!ModelBlobPath.IsValidName(model) || path.Length == slash + 1 + InputSuffix.Length)
        {
            return null;
        }

        var stem = path[..^InputSuffix.Length];
        return (model, new BatchDrop(path, stem + OutputSuffix, stem + ErrorSuffix));
    }

    /// <summary>Starts the batch a dropped blob at <paramref name="path"/> asks for (returned); anything else in the container is left alone (null).</summary>
    public async Task<BatchRecord?> SubmitAsync(DurableTaskClient durable, string path, CancellationToken cancellationToken)
    {
        if (Parse(path) is not { } dropped)
        {
            LogIgnored(logger, path);
            return null;
        }

        var endpoint = $"/models/{dropped.Model}/predict";
        var sidecar = await files.ReadDropAsync(path[..^InputSuffix.Length] + SidecarSuffix, cancellationToken);
        if (sidecar is not null)
        {
            if (EndpointOf(sidecar) is not { } named)
            {
                LogBadSidecar(logger, path, BatchEndpoint.Expected);
                return null;
            }

            endpoint = named;
        }

        var batch = await jobs.SubmitDroppedAsync(durable, endpoint, dropped.Drop, cancellationToken);
        LogSubmitted(logger, path, batch.Id, endpoint);
        return batch;
    }

    private static string? EndpointOf(BinaryData sidecar)
    {
        try
        {
            using var document = JsonDocument.Parse(sidecar);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("endpoint", out var endpoint)
                && endpoint.ValueKind == JsonValueKind.String
                && BatchEndpoint.Parse(endpoint.GetString()) is not null
                ? endpoint.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped batch {BlobPath} started as {BatchId} against {Endpoint}")]
    private static partial void LogSubmitted(ILogger logger, string blobPath, string batchId, string endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Blob {BlobPath} in the batch drop container is not a batch input (<model>/<anything>.jsonl); left alone")]
    private static partial void LogIgnored(ILogger logger, string blobPath);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped batch {BlobPath} not started: its .batch.json sidecar must be {{\"endpoint\": ...}} naming one of {Expected}")]
    private static partial void LogBadSidecar(ILogger logger, string blobPath, string expected);
}
