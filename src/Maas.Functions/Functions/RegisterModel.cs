using Azure.Storage.Blobs;
using Maas.Core.Registry;
using Maas.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>
/// Registers every blob written under the models container (<c>models/{path}</c>, sub-folders included). Two triggers,
/// one code path: locally the polling blob trigger (Azurite has no Event Grid); in Azure the Event Grid-sourced one
/// (Microsoft's recommended source: no container scans, no missed blobs), the other disabled by the app setting
/// <c>AzureWebJobs.&lt;function&gt;.Disabled</c>.
/// </summary>
public sealed class RegisterModel(ModelRegistrar registrar)
{
    /// <summary>The trigger path: the container comes from the <c>Registry:ContainerName</c> setting.</summary>
    public const string BlobPath = "%" + RegistryOptions.SectionName + ":" + nameof(RegistryOptions.ContainerName) + "%/{path}";

    [Function(nameof(RegisterModel))]
    public Task Run(
        [BlobTrigger(BlobPath, Connection = ModelStorageOptions.ConnectionName)] BlobClient blob,
        string path,
        CancellationToken cancellationToken)
        => registrar.RegisterAsync(blob, path, cancellationToken);

    /// <summary>The same registration, for blobs Event Grid reports created (its subscription posts to the blobs extension's webhook).</summary>
    [Function(nameof(RegisterModelFromEventGrid))]
    public Task RegisterModelFromEventGrid(
        [BlobTrigger(BlobPath, Source = BlobTriggerSource.EventGrid, Connection = ModelStorageOptions.ConnectionName)] BlobClient blob,
        string path,
        CancellationToken cancellationToken)
        => registrar.RegisterAsync(blob, path, cancellationToken);
}
