using Azure.Storage.Blobs;
using Maas.Core.Registry;
using Maas.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Registers every blob written under the models container (<c>models/{path}</c>, sub-folders included).</summary>
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
}
