using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Maas.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Registry;

/// <summary>
/// Examines one version of a model for registration: config.json's schema, the size limit, the graph loaded in ONNX
/// Runtime from a private temp copy of the folder (hashed while copied, checked against blob metadata <c>sha256</c>), the
/// batching rule and every config check, and whether the generated example runs. A problem with the model is the
/// reason on a Failed record; a Ready one then gets its artefacts (<see cref="VersionArtefacts"/>).
/// </summary>
public sealed partial class VersionExaminer(
    IModelInspector inspector,
    VersionArtefacts artefacts,
    IEnumerable<IModelConfigCheck> configChecks,
    IOptions<RegistryOptions> options,
    ILogger<VersionExaminer> logger)
{
    private const string Sha256MetadataKey = "sha256";

    /// <summary>
    /// Examines the version whose blobs are <paramref name="files"/>: returns <paramref name="record"/> Ready with its
    /// signature, evaluation and baseline, or Failed with the reason. Storage faults are thrown.
    /// </summary>
    public async Task<ModelVersionRecord> ExamineAsync(
        BlobContainerClient container,
        ModelVersionRecord record,
        Dictionary<string, BlobItem> files,
        byte[]? configBytes,
        CancellationToken cancellationToken)
    {
        ModelConfig config;
        try
        {
            config = configBytes is null ? ModelConfig.Default : ModelConfig.Parse(configBytes);
        }
        catch (FormatException error)
        {
            return record with { Reason = error.Message };
        }

        record = record with { Config = config };
        var limit = options.Value.MaxModelBytes;
        if (record.SizeBytes > limit)
        {
            return record with
            {
                Reason = string.Create(CultureInfo.InvariantCulture, $"model.onnx is {record.SizeBytes} bytes; Registry:MaxModelBytes allows at most {limit}."),
            };
        }

        var graph = files[ModelBlobPath.GraphFileName];
        using var folder = await ModelFolder.DownloadAsync(container, files, TempFolderPrefix(record.Name, record.Version), cancellationToken);
        var loaded = await InspectAsync(container, record, folder, cancellationToken);

        var declared = graph.Metadata.TryGetValue(Sha256MetadataKey, out var value) ? value : null;
        if (declared is not null && !string.Equals(declared, loaded.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return record with { Sha256 = loaded.Sha256, Reason = $"SHA-256 of model.onnx is {loaded.Sha256} but blob metadata sha256 says {declared}." };
        }

        if (loaded.Inspection is not { } inspection)
        {
            return record with { Sha256 = loaded.Sha256, Reason = loaded.Error! };
        }

        if (config.DynamicBatching is not null && BatchingRule.Violation(inspection) is { } violation)
        {
            return record with { Sha256 = loaded.Sha256, Reason = violation };
        }

        if (configChecks.Select(check => check.ProblemWith(config, inspection, folder.FullPath)).FirstOrDefault(problem => problem is not null) is { } problem)
        {
            return record with { Sha256 = loaded.Sha256, Reason = problem };
        }

        var ready = record with
        {
            Status = ModelStatus.Ready,
            Sha256 = loaded.Sha256,
            Inputs = inspection.Inputs,
            Outputs = inspection.Outputs,
            Opset = inspection.Opset,
            Producer = inspection.Producer,
            OptimizedBlobPath = loaded.OptimizedBlobPath ?? string.Empty,
            OptimizedFor = loaded.OptimizedBlobPath is null ? string.Empty : inspector.OptimizedCopyKey,
        };
        ready = CheckGeneratedExample(ready, folder, inspection);
        ready = await artefacts.EvaluateAsync(container, ready, folder, inspection, cancellationToken);
        return await artefacts.BuildAllAsync(container, ready, folder, inspection, cancellationToken);
    }

    /// <summary>
    /// Records whether the example the OpenAPI document generates (zeros, variable dimensions as 1) ran on the inspection
    /// session, for a version without config.json <c>example</c>; a graph that refuses it gets a warning naming the fix.
    /// </summary>
    private ModelVersionRecord CheckGeneratedExample(ModelVersionRecord ready, ModelFolder folder, ModelInspection inspection)
    {
        if (ready.Config.Example is not null || !inspection.Inputs.All(input => input.IsTensor))
        {
            return ready;
        }

        if (inspection.ExampleProblem is not { } problem)
        {
            return ready with { ExampleRuns = true };
        }

        var reason = folder.Redact(problem);
        LogGeneratedExampleRefused(logger, ready.Name, ready.Version, reason);
        return ready with { ExampleRuns = false, ExampleProblem = reason };
    }

    /// <summary>
    /// Inspects the graph in the version's private temp copy, and keeps the graph as ONNX Runtime optimised it (see
    /// <see cref="VersionArtefacts.StoreOptimizedCopyAsync"/>; best effort: without it, instances optimise at load).
    /// </summary>
    private async Task<LoadResult> InspectAsync(
        BlobContainerClient container,
        ModelVersionRecord record,
        ModelFolder folder,
        CancellationToken cancellationToken)
    {
        var optimized = Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"maas-optimized-{Guid.NewGuid():N}.onnx"));
        try
        {
            var result = Inspect(folder, optimized);
            if (result.Inspection is null || !File.Exists(optimized))
            {
                return result;
            }

            return result with { OptimizedBlobPath = await artefacts.StoreOptimizedCopyAsync(container, record, folder.Sha256, optimized, inspector.OptimizedCopyKey, cancellationToken) };
        }
        finally
        {
            File.Delete(optimized);
        }
    }


    /// <summary>The name start of the temp folder a registration of this version uses (under the system temp path).</summary>
    public static string TempFolderPrefix(string name, long version)
        => string.Create(CultureInfo.InvariantCulture, $"maas-register-{name}-{version}-");

    /// <summary>Inspects the copied graph; a load failure becomes the reason, with the temp folder cut out of the message.</summary>
    private LoadResult Inspect(ModelFolder folder, string optimizedGraphPath)
    {
        try
        {
            return new LoadResult(folder.Sha256, inspector.Inspect(folder.GraphPath, optimizedGraphPath), null);
        }
        catch (ModelLoadException error)
        {
            return new LoadResult(folder.Sha256, null, $"model.onnx does not load in ONNX Runtime: {folder.Redact(error.Message)}");
        }
    }

    private sealed record LoadResult(string Sha256, ModelInspection? Inspection, string? Error)
    {
        public string? OptimizedBlobPath { get; init; }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion}: the graph refuses the generated example (zeros, variable dimensions as 1), so the docs page cannot try it; set config.json 'example' to a request that runs. ONNX Runtime said: {Reason}")]
    private static partial void LogGeneratedExampleRefused(ILogger logger, string modelName, long modelVersion, string reason);
}
