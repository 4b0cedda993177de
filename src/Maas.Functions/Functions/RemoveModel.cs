using Azure.Storage.Blobs;
using Maas.Core.Registry;
using Maas.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Functions;

/// <summary>
/// Takes the models container's <c>BlobDeleted</c> events, which Event Grid delivers to a storage queue in Azure: a
/// deleted <c>model.onnx</c> stops serving at once instead of at the next reconciliation.
/// </summary>
public sealed partial class RemoveModel(VersionRemoval removal, BlobServiceClient blobs, IOptions<RegistryOptions> options, ILogger<RemoveModel> logger)
{
    /// <summary>The queue: the <c>Registry:DeletionQueueName</c> setting.</summary>
    public const string Queue = "%" + RegistryOptions.SectionName + ":" + nameof(RegistryOptions.DeletionQueueName) + "%";

    [Function(nameof(RemoveModel))]
    public async Task Run([QueueTrigger(Queue, Connection = ModelStorageOptions.ConnectionName)] string message, CancellationToken cancellationToken)
    {
        var container = options.Value.ContainerName;
        if (BlobEvent.TryParse(message) is not { EventType: BlobEvent.BlobDeleted } deleted || deleted.Container != container)
        {
            LogNotADeletion(logger, container);
            return;
        }

        await removal.UnregisterAsync(blobs.GetBlobContainerClient(container), deleted.BlobName, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring a queue message that is not a BlobDeleted event of container {Container}")]
    private static partial void LogNotADeletion(ILogger logger, string container);
}
