using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Registry;

/// <summary>
/// Makes the registry match the container: registers every version folder the trigger missed (or that changed),
/// and marks rows whose <c>model.onnx</c> is gone as Removed. Run by the reconcile timer.
/// </summary>
public sealed partial class ModelReconciler(
    BlobServiceClient blobs,
    ModelRegistrar registrar,
    ModelRegistryStore store,
    IOptions<RegistryOptions> options,
    TimeProvider clock,
    ILogger<ModelReconciler> logger)
{
    public const string RemovedReason = "model.onnx is no longer in the models container (found by reconciliation).";

    public async Task<ReconcileResult> RunAsync(CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(options.Value.ContainerName);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        var present = new HashSet<(string Name, long Version)>();
        await foreach (var graph in ModelRegistrar.ListGraphsAsync(container, string.Empty, cancellationToken))
        {
            present.Add((graph.ModelName, graph.Version!.Value));
        }

        var registered = 0;
        foreach (var (name, version) in present)
        {
            var outcome = await registrar.RegisterVersionAsync(container, name, version, cancellationToken);
            registered += outcome is RegistrationOutcome.Ready or RegistrationOutcome.Failed ? 1 : 0;
        }

        var removed = 0;
        foreach (var row in await store.ListAllAsync(cancellationToken))
        {
            if (row.Status != ModelStatus.Removed && !present.Contains((row.Name, row.Version)))
            {
                removed += await MarkRemovedAsync(row.Name, row.Version, cancellationToken) ? 1 : 0;
            }
        }

        LogReconciled(logger, present.Count, registered, removed);
        return new ReconcileResult(registered, removed);
    }

    /// <summary>Marks the row Removed unless a concurrent registration changed it first (that writer saw the blob; it wins).</summary>
    private async Task<bool> MarkRemovedAsync(string name, long version, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(name, version, cancellationToken) is not { } current || current.Record.Status == ModelStatus.Removed)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        try
        {
            await store.WriteAsync(current.Record with { Status = ModelStatus.Removed, Reason = RemovedReason, UpdatedAt = now, LastSeenAt = now }, current.ETag, cancellationToken);
            LogRemoved(logger, name, version);
            return true;
        }
        catch (Azure.RequestFailedException error) when (error.Status is 409 or 412)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {GraphCount} model versions: {Registered} registered, {Removed} marked Removed")]
    private static partial void LogReconciled(ILogger logger, int graphCount, int registered, int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} marked Removed: its model.onnx is gone")]
    private static partial void LogRemoved(ILogger logger, string modelName, long modelVersion);
}
