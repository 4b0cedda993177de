using Azure;
using Azure.Storage.Blobs;
using Maas.Core.Models;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Registry;

/// <summary>
/// Marks versions Removed when their <c>model.onnx</c> leaves the models container: at once on a <c>BlobDeleted</c>
/// event, or when reconciliation finds it gone. A row is only marked when the blob is confirmed absent and the row is
/// still the one read before (a writer that changed it since saw the blob, and wins).
/// </summary>
public sealed partial class VersionRemoval(
    ModelRegistrar registrar,
    ModelRegistryStore store,
    TimeProvider clock,
    ILogger<VersionRemoval> logger)
{
    /// <summary>The reason a version deleted from the container shows (Event Grid's BlobDeleted).</summary>
    public const string DeletedReason = "model.onnx was deleted from the models container.";

    /// <summary>
    /// What a deleted blob (Event Grid's <c>BlobDeleted</c>) means for the registry: a deleted <c>model.onnx</c> makes its
    /// version Removed once the blob is confirmed absent (a new upload since the event wins); any other file of a version,
    /// or a config.json, is registered again from what is there now.
    /// </summary>
    public async Task<RegistrationOutcome> UnregisterAsync(BlobContainerClient container, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (!ModelBlobPath.TryParse(path, out var parsed, out var rule))
        {
            LogIgnored(logger, path, rule);
            return RegistrationOutcome.Ignored;
        }

        if (!parsed.IsGraph)
        {
            return await registrar.RegisterAsync(container.GetBlobClient(path), path, cancellationToken);
        }

        // A row changed since this read was written by someone who saw the blob, or reconciliation settles it later.
        if (await store.GetAsync(parsed.ModelName, parsed.Version!.Value, cancellationToken) is not { Record: var row, ETag: var etag } || row.Status == ModelStatus.Removed
            || !await RemoveIfAbsentAsync(container, row, etag, DeletedReason, cancellationToken))
        {
            return RegistrationOutcome.Unchanged;
        }

        LogRemovedOnDelete(logger, row.Name, row.Version);
        return RegistrationOutcome.Removed;
    }

    /// <summary>
    /// Marks <paramref name="row"/> Removed when its <c>model.onnx</c> is confirmed absent and the row still has ETag
    /// <paramref name="etag"/>; false when the blob is there or another writer changed the row first (it saw the blob).
    /// </summary>
    public async Task<bool> RemoveIfAbsentAsync(BlobContainerClient container, ModelVersionRecord row, ETag etag, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(row);
        if (await container.GetBlobClient(row.BlobPath).ExistsAsync(cancellationToken))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        try
        {
            await store.WriteAsync(row with { Status = ModelStatus.Removed, Reason = reason, UpdatedAt = now, LastSeenAt = now }, etag, cancellationToken);
            return true;
        }
        catch (RequestFailedException error) when (error.Status is 409 or 412)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} marked Removed: its model.onnx was deleted")]
    private static partial void LogRemovedOnDelete(ILogger logger, string modelName, long modelVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring blob {BlobPath}: {Rule}")]
    private static partial void LogIgnored(ILogger logger, string blobPath, string rule);
}
