using Azure.Storage.Blobs;
using Maas.Core.Batch;
using Maas.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Maas.Functions.Functions;

/// <summary>Starts a batch for every JSONL blob dropped into the drop container (<c>Batch:DropContainer</c>) as <c>&lt;model&gt;/&lt;anything&gt;.jsonl</c> (<see cref="BatchDrops"/>).</summary>
public sealed class SubmitDroppedBatch(BatchDrops drops)
{
    /// <summary>The trigger path: the container comes from the <c>Batch:DropContainer</c> setting.</summary>
    public const string BlobPath = "%" + BatchOptions.SectionName + ":" + nameof(BatchOptions.DropContainer) + "%/{path}";

    /// <param name="blob">The dropped blob, bound lazily (the activities read it by byte ranges, never whole here).</param>
    [Function(nameof(SubmitDroppedBatch))]
    public Task Run(
        [BlobTrigger(BlobPath, Connection = ModelStorageOptions.ConnectionName)] BlobClient blob,
        string path,
        [DurableClient] DurableTaskClient durable,
        CancellationToken cancellationToken)
        => drops.SubmitAsync(durable, path, cancellationToken);
}
