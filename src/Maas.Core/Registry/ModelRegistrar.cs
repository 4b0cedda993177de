using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Maas.Core.Health;
using Maas.Core.Models;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Registry;

/// <summary>
/// Turns what is in a version folder of the models container into one registry row: the registration flow. It reads the
/// folder and config.json, skips sources already registered, has <see cref="VersionExaminer"/> examine the version (and
/// <see cref="VersionArtefacts"/> store what registration makes of it), and writes the row. Problems with the model itself (size, checksum, config, a graph that does not load) become a Failed row
/// with the reason; storage failures are thrown so the Functions host retries.
/// </summary>
public sealed partial class ModelRegistrar(
    ModelRegistryStore store,
    VersionExaminer examiner,
    TimeProvider clock,
    ILogger<ModelRegistrar> logger)
{
    /// <summary>
    /// Registers what <paramref name="path"/> (a blob name inside the container of <paramref name="blob"/>) concerns, or
    /// ignores it with a warning. A storage fault at any step throws (after a log naming the blob) with nothing written:
    /// the host retries the trigger, then moves the blob to its poison queue; reconciliation is the safety net.
    /// </summary>
    public async Task<RegistrationOutcome> RegisterAsync(BlobClient blob, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        try
        {
            return await RegisterPathAsync(blob, path, cancellationToken);
        }
        catch (Exception error) when (StorageFaults.IsTransient(error))
        {
            LogStorageFault(logger, path, error.GetType().Name);
            throw;
        }
    }

    private async Task<RegistrationOutcome> RegisterPathAsync(BlobClient blob, string path, CancellationToken cancellationToken)
    {
        if (!ModelBlobPath.TryParse(path, out var parsed, out var rule))
        {
            LogIgnored(logger, path, rule);
            return RegistrationOutcome.Ignored;
        }

        var container = blob.GetParentBlobContainerClient();
        if (parsed.Version is { } version)
        {
            return await RegisterVersionAsync(container, parsed.ModelName, version, cancellationToken);
        }

        await foreach (var each in ModelFolder.ListGraphsAsync(container, parsed.ModelName + "/", cancellationToken))
        {
            await RegisterVersionAsync(container, each.ModelName, each.Version!.Value, cancellationToken);
        }

        return RegistrationOutcome.ConfigApplied;
    }

    /// <summary>Registers one version from the current contents of its folder and the model's config.json.</summary>
    public async Task<RegistrationOutcome> RegisterVersionAsync(BlobContainerClient container, string name, long version, CancellationToken cancellationToken)
    {
        var folder = string.Create(CultureInfo.InvariantCulture, $"{name}/{version}/");
        var files = await ModelFolder.ListAsync(container, folder, cancellationToken);

        if (!files.TryGetValue(ModelBlobPath.GraphFileName, out var graph))
        {
            LogNoGraph(logger, name, version);
            return RegistrationOutcome.NoGraph;
        }

        var (configBytes, configETag) = await ModelFolder.ReadConfigAsync(container, name, cancellationToken);
        var fingerprint = ModelFolder.Fingerprint(files, configETag);
        var existing = await store.GetAsync(name, version, cancellationToken);
        if (existing is { Record: var seen } && seen.SourceFingerprint == fingerprint && seen.Status != ModelStatus.Removed)
        {
            await WriteAsync(seen, existing, cancellationToken);
            LogUnchanged(logger, name, version);
            return RegistrationOutcome.Unchanged;
        }

        var record = new ModelVersionRecord
        {
            Name = name,
            Version = version,
            Status = ModelStatus.Failed,
            BlobPath = folder + ModelBlobPath.GraphFileName,
            BlobETag = graph.Properties.ETag?.ToString() ?? string.Empty,
            SizeBytes = graph.Properties.ContentLength ?? 0,
            SourceFingerprint = fingerprint,
        };
        record = await examiner.ExamineAsync(container, record, files, configBytes, cancellationToken);
        await WriteAsync(record, existing, cancellationToken);
        if (record.Status == ModelStatus.Ready)
        {
            LogReady(logger, name, version, record.Sha256);
            if (record.Config.Evaluation is not null)
            {
                // Promotion depends on the other versions too: one query, only for models that gate it.
                var decision = PromotionPolicy.Decide(await store.ListVersionsAsync(name, cancellationToken));
                var promotion = decision.States[version];
                LogPromotion(logger, name, version, promotion.State, promotion.Reason, decision.Default?.Version);
            }

            return RegistrationOutcome.Ready;
        }

        LogFailed(logger, name, version, record.Reason);
        return RegistrationOutcome.Failed;
    }

    /// <summary>Writes the row (the store retries on a concurrent write) and logs the conflicts it met.</summary>
    private async Task WriteAsync(ModelVersionRecord record, (ModelVersionRecord Record, ETag ETag)? current, CancellationToken cancellationToken)
    {
        var conflicts = await store.WriteRegistrationAsync(record, current, clock, cancellationToken);
        if (conflicts > 0)
        {
            LogWriteConflicts(logger, record.Name, record.Version, conflicts);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registration of blob {BlobPath} hit a storage fault ({ExceptionType}); nothing was written, and the trigger is retried")]
    private static partial void LogStorageFault(ILogger logger, string blobPath, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignoring blob {BlobPath}: {Rule}")]
    private static partial void LogIgnored(ILogger logger, string blobPath, string rule);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelName} version {ModelVersion} has no model.onnx yet; nothing registered")]
    private static partial void LogNoGraph(ILogger logger, string modelName, long modelVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelName} version {ModelVersion} is unchanged; marked as seen")]
    private static partial void LogUnchanged(ILogger logger, string modelName, long modelVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelName} version {ModelVersion} is Ready (SHA-256 {Sha256})")]
    private static partial void LogReady(ILogger logger, string modelName, long modelVersion, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Promotion of model {ModelName} version {ModelVersion}: {PromotionState} ({PromotionReason}); the default version is {DefaultVersion}")]
    private static partial void LogPromotion(ILogger logger, string modelName, long modelVersion, string promotionState, string promotionReason, long? defaultVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} failed registration: {Reason}")]
    private static partial void LogFailed(ILogger logger, string modelName, long modelVersion, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Registry row {ModelName}/{ModelVersion} changed concurrently {Conflicts} time(s); re-read and retried each time")]
    private static partial void LogWriteConflicts(ILogger logger, string modelName, long modelVersion, int conflicts);
}
