using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Maas.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Registry;

/// <summary>
/// Makes the registry match the container, cheaply enough to run every few seconds: one query for every registry row,
/// then one listing of the container, and work only where they differ. A version whose folder (file ETags and the
/// model's config.json ETag) no longer matches its row's fingerprint, or that has no row, is registered; a row whose
/// <c>model.onnx</c> is not listed is marked Removed once the blob is confirmed absent, and only if the row is still
/// the one read before the listing (a registration that raced the run saw the blob and wins).
/// </summary>
public sealed partial class ModelReconciler(
    BlobServiceClient blobs,
    ModelRegistrar registrar,
    VersionRemoval removal,
    ModelRegistryStore store,
    IOptions<RegistryOptions> options,
    ILogger<ModelReconciler> logger)
{
    public const string RemovedReason = "model.onnx is no longer in the models container (found by reconciliation).";

    public async Task<ReconcileResult> RunAsync(CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(options.Value.ContainerName);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        // The registry first: a row written after this snapshot saw its blob, so it is never taken for a removed one.
        var rows = (await store.SnapshotAsync(cancellationToken)).ToDictionary(row => (row.Record.Name, row.Record.Version));
        var listing = await ListAsync(container, cancellationToken);

        var registered = 0;
        foreach (var ((name, version), files) in listing.Versions)
        {
            if (!files.ContainsKey(ModelBlobPath.GraphFileName)
                || (rows.TryGetValue((name, version), out var row) && row.Record.Status != ModelStatus.Removed
                    && row.Record.SourceFingerprint == ModelFolder.Fingerprint(files, listing.Configs.GetValueOrDefault(name))))
            {
                continue;
            }

            var outcome = await registrar.RegisterVersionAsync(container, name, version, cancellationToken);
            registered += outcome is RegistrationOutcome.Ready or RegistrationOutcome.Failed ? 1 : 0;
        }

        var removed = 0;
        foreach (var ((name, version), (record, etag)) in rows)
        {
            if (record.Status != ModelStatus.Removed && !(listing.Versions.TryGetValue((name, version), out var files) && files.ContainsKey(ModelBlobPath.GraphFileName)))
            {
                removed += await MarkRemovedAsync(container, record, etag, cancellationToken) ? 1 : 0;
            }
        }

        LogReconciled(logger, listing.Versions.Count, rows.Count, registered, removed);
        return new ReconcileResult(registered, removed);
    }

    /// <summary>Every version folder's files (relative name → listed blob) and every model's config.json ETag, from one listing.</summary>
    private static async Task<ContainerListing> ListAsync(BlobContainerClient container, CancellationToken cancellationToken)
    {
        var listing = new ContainerListing();
        await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken))
        {
            if (!ModelBlobPath.TryParse(item.Name, out var path, out _))
            {
                continue;
            }

            if (path.Version is not { } version)
            {
                listing.Configs[path.ModelName] = item.Properties.ETag;
                continue;
            }

            if (!listing.Versions.TryGetValue((path.ModelName, version), out var files))
            {
                listing.Versions[(path.ModelName, version)] = files = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
            }

            files[item.Name[path.VersionFolder.Length..]] = item;
        }

        return listing;
    }

    private async Task<bool> MarkRemovedAsync(BlobContainerClient container, ModelVersionRecord record, ETag etag, CancellationToken cancellationToken)
    {
        var removed = await removal.RemoveIfAbsentAsync(container, record, etag, RemovedReason, cancellationToken);
        if (removed)
        {
            LogRemoved(logger, record.Name, record.Version);
        }

        return removed;
    }

    private sealed class ContainerListing
    {
        public Dictionary<(string Name, long Version), Dictionary<string, BlobItem>> Versions { get; } = [];

        public Dictionary<string, ETag?> Configs { get; } = new(StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {FolderCount} version folders against {RowCount} registry rows: {Registered} registered, {Removed} marked Removed")]
    private static partial void LogReconciled(ILogger logger, int folderCount, int rowCount, int registered, int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} marked Removed: its model.onnx is gone")]
    private static partial void LogRemoved(ILogger logger, string modelName, long modelVersion);
}
