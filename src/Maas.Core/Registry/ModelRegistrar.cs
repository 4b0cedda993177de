using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Registry;

/// <summary>Turns a blob that arrived in the models container into a registry entry.</summary>
public sealed partial class ModelRegistrar(ILogger<ModelRegistrar> logger)
{
    /// <summary>Registers what <paramref name="path"/> (the blob name inside the container) says, or ignores it with a warning.</summary>
    public Task<RegistrationOutcome> RegisterAsync(BlobClient blob, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        cancellationToken.ThrowIfCancellationRequested();
        if (!ModelBlobPath.TryParse(path, out var parsed, out var rule))
        {
            LogIgnored(logger, path, rule);
            return Task.FromResult(RegistrationOutcome.Ignored);
        }

        LogReceived(logger, parsed.ModelName, parsed.Version, parsed.FileName);
        return Task.FromResult(RegistrationOutcome.Received);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring blob {BlobPath}: {Rule}")]
    private static partial void LogIgnored(ILogger logger, string blobPath, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model blob received: {ModelName} version {ModelVersion} file {FileName}")]
    private static partial void LogReceived(ILogger logger, string modelName, long? modelVersion, string fileName);
}
