using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Maas.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Registry;

/// <summary>
/// What registration makes of a Ready version and stores beside it: the graph as ONNX Runtime optimised it (in the
/// optimised-models container), the evaluation report (in the evaluations container) and what other capabilities
/// derive from it (<see cref="IVersionArtefact"/>). Each is named by the version's sources, so a retried registration overwrites instead of adding, and is stored before the row
/// that points at it.
/// </summary>
public sealed partial class VersionArtefacts(
    IModelEvaluator evaluator,
    IEnumerable<IVersionArtefact> capabilityArtefacts,
    IOptions<RegistryOptions> options,
    ILogger<VersionArtefacts> logger)
{
    /// <summary>
    /// Keeps the optimised graph at <paramref name="optimizedGraphPath"/> in the optimised-models container, named by the
    /// version, the graph's SHA-256 and what the copy is for (<paramref name="copyKey"/>); returns its blob name, or null
    /// when it could not be stored (best effort: instances then optimise at load).
    /// </summary>
    public async Task<string?> StoreOptimizedCopyAsync(BlobContainerClient container, ModelVersionRecord record, string sha256, string optimizedGraphPath, string copyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(record);
        var name = string.Create(CultureInfo.InvariantCulture, $"{record.Name}/{record.Version}/{sha256}/{copyKey}.onnx");
        try
        {
            var target = container.GetParentBlobServiceClient().GetBlobContainerClient(options.Value.OptimizedContainerName);
            await target.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await target.GetBlobClient(name).UploadAsync(
                optimizedGraphPath,
                new BlobUploadOptions { Metadata = new Dictionary<string, string> { [ModelBlobPath.OptimizedSourceMetadataKey] = sha256 } },
                cancellationToken);
            return name;
        }
        catch (RequestFailedException error)
        {
            LogOptimizedCopyNotStored(logger, record.Name, record.Version, error.Status);
            return null;
        }
    }

    /// <summary>
    /// Stores a document derived from the version in the evaluations container as
    /// <c>&lt;name&gt;/&lt;version&gt;/&lt;sources hash&gt;&lt;suffix&gt;</c>, so a retried registration overwrites it; returns its blob name.
    /// </summary>
    public async Task<string> StoreDocumentAsync(BlobContainerClient container, ModelVersionRecord version, string suffix, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        var name = string.Create(CultureInfo.InvariantCulture, $"{version.Name}/{version.Version}/{SourcesHash(version)}{suffix}");
        await StoreAsync(container, name, content, cancellationToken);
        return name;
    }

    /// <summary>Runs every capability's <see cref="IVersionArtefact"/> on a Ready version, in registration order.</summary>
    public async Task<ModelVersionRecord> BuildAllAsync(BlobContainerClient container, ModelVersionRecord ready, ModelFolder folder, ModelInspection inspection, CancellationToken cancellationToken)
    {
        foreach (var artefact in capabilityArtefacts)
        {
            ready = await artefact.BuildAsync(this, new VersionArtefactSource(ready, folder, inspection, container), cancellationToken);
        }

        return ready;
    }

    /// <summary>Writes a document of the version to the evaluations container.</summary>
    private async Task StoreAsync(BlobContainerClient container, string name, byte[] content, CancellationToken cancellationToken)
    {
        var documents = container.GetParentBlobServiceClient().GetBlobContainerClient(options.Value.EvaluationContainerName);
        await documents.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await documents.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken);
    }

    /// <summary>What names a version's stored documents: a hash of its sources, so a retry overwrites instead of adding.</summary>
    private static string SourcesHash(ModelVersionRecord version)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(version.SourceFingerprint)))[..ReportNameHexDigits];

    /// <summary>
    /// Evaluates a Ready version on the evaluation.jsonl copied with it, when config.json asks for evaluation, and stores the
    /// full report (named by the version's sources, so a retry overwrites it) before the row that points at it is written.
    /// Without the file the version awaits evaluation.
    /// </summary>
    public async Task<ModelVersionRecord> EvaluateAsync(BlobContainerClient container, ModelVersionRecord ready, ModelFolder folder, ModelInspection inspection, CancellationToken cancellationToken)
    {
        var evaluationSet = Path.Combine(folder.FullPath, ModelBlobPath.EvaluationFileName);
        if (ready.Config.Evaluation is null || !File.Exists(evaluationSet))
        {
            return ready;
        }

        var run = evaluator.Evaluate(ready, folder.GraphPath, evaluationSet, inspection, cancellationToken);
        var name = await StoreDocumentAsync(container, ready, ".json", run.Report, cancellationToken);
        var summary = run.Summary with { ReportBlobPath = name };
        LogEvaluated(logger, ready.Name, ready.Version, summary.Rows, summary.DurationMs, summary.FailureReason ?? "passed");
        return ready with { Evaluation = summary };
    }

    /// <summary>Hex digits of the sources' hash that name a version's stored documents (evaluation report and the artefacts).</summary>
    private const int ReportNameHexDigits = 16;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} registered without its optimised copy (storage status {Status}); instances optimise it when they load it")]
    private static partial void LogOptimizedCopyNotStored(ILogger logger, string modelName, long modelVersion, int status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelName} version {ModelVersion} evaluated on {Rows} examples in {DurationMs} ms: {Outcome}")]
    private static partial void LogEvaluated(ILogger logger, string modelName, long modelVersion, long rows, double durationMs, string outcome);
}
