using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Inference;

/// <summary>
/// Loads a registered version for serving: copies its folder from Blob Storage to a private temp folder, checks the
/// graph's SHA-256 against the registry, creates the session with the configured threads, optimisation level and
/// execution provider, and runs the optional warm-up.
/// </summary>
public sealed partial class SessionLoader(
    BlobServiceClient blobs,
    SessionFactory factory,
    IOptions<RegistryOptions> registry,
    IOptions<InferenceOptions> inference,
    ILogger<SessionLoader> logger)
{
    public const string CpuProvider = "CPUExecutionProvider";
    public const string CudaProvider = "CUDAExecutionProvider";

    private static readonly Counter<long> ProviderFallbacks = MaasTelemetry.Meter.CreateCounter<long>(
        "maas.sessions.provider_fallbacks", description: "Sessions that asked for CUDA with executionProvider auto and run on CPU instead.");

    public async Task<LoadedModel> LoadAsync(ModelVersionRecord model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var started = Stopwatch.GetTimestamp();
        var loaded = await TryLoadOptimizedCopyAsync(model, started, cancellationToken) ?? await LoadOriginalAsync(model, started, cancellationToken);
        if (model.Config.Warmup)
        {
            WarmUp(loaded);
        }

        return loaded;
    }

    /// <summary>The session from the registered graph: its folder copied from the models container and checked against the registered SHA-256.</summary>
    private async Task<LoadedModel> LoadOriginalAsync(ModelVersionRecord model, long started, CancellationToken cancellationToken)
    {
        var folder = await DownloadAsync(model, cancellationToken);
        try
        {
            if (!string.Equals(folder.Sha256, model.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new MaasException(
                    ErrorKind.NotReady,
                    string.Create(CultureInfo.InvariantCulture, $"Model '{model.Name}' version {model.Version}: model.onnx changed since it was registered (SHA-256 {model.Sha256}, now {folder.Sha256}); it serves again once re-registered."));
            }

            var (session, provider) = CreateSession(model, folder);
            var loaded = new LoadedModel(model, session, folder, provider, Stopwatch.GetElapsedTime(started));
            LogLoaded(logger, model.Name, model.Version, provider, loaded.Bytes, loaded.LoadTime.TotalMilliseconds);
            return loaded;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The session from the version's optimised copy, when registration made one for this ONNX Runtime version and the
    /// CPU provider, the model runs on CPU, the copy was made from the registered graph (its SHA-256), and
    /// <c>model.onnx</c> is still the registered blob (its ETag: a replaced or deleted graph is never served from an old
    /// copy). Anything else, a storage or load failure of the copy included, gives null: the original graph is loaded
    /// instead, with its own checks.
    /// </summary>
    private async Task<LoadedModel?> TryLoadOptimizedCopyAsync(ModelVersionRecord model, long started, CancellationToken cancellationToken)
    {
        // A generative model's tokenizer files sit beside its graph; the copy holds the graph alone.
        if (model.OptimizedBlobPath.Length == 0 || model.OptimizedFor != factory.OptimizedCopyKey || model.Config.Generation is not null
            || (model.Config.ExecutionProvider ?? inference.Value.ExecutionProvider) != ExecutionProviderChoice.Cpu)
        {
            return null;
        }

        ModelFolder? folder = null;
        try
        {
            var graph = await blobs.GetBlobContainerClient(registry.Value.ContainerName).GetBlobClient(model.BlobPath).GetPropertiesAsync(cancellationToken: cancellationToken);
            if (graph.Value.ETag.ToString().Trim('"') != model.BlobETag.Trim('"'))
            {
                return null;
            }

            var container = blobs.GetBlobContainerClient(registry.Value.OptimizedContainerName);
            var copy = await ModelFolder.ListAsync(container, model.OptimizedBlobPath, cancellationToken);
            if (!copy.TryGetValue(string.Empty, out var item)
                || !item.Metadata.TryGetValue(ModelBlobPath.OptimizedSourceMetadataKey, out var source) || !string.Equals(source, model.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            folder = await ModelFolder.DownloadAsync(
                container,
                new Dictionary<string, Azure.Storage.Blobs.Models.BlobItem> { [ModelBlobPath.GraphFileName] = item },
                string.Create(CultureInfo.InvariantCulture, $"maas-serve-{model.Name}-{model.Version}-"),
                cancellationToken);
            var loaded = new LoadedModel(model, factory.CreateFromOptimizedCopy(folder.GraphPath), folder, CpuProvider, Stopwatch.GetElapsedTime(started), model.SizeBytes);
            LogLoadedFromCopy(logger, model.Name, model.Version, loaded.Bytes, loaded.LoadTime.TotalMilliseconds);
            return loaded;
        }
        catch (Exception error) when (error is RequestFailedException or OnnxRuntimeException)
        {
            folder?.Dispose();
            LogCopyUnusable(logger, model.Name, model.Version, error.GetType().Name);
            return null;
        }
    }

    private async Task<ModelFolder> DownloadAsync(ModelVersionRecord model, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(registry.Value.ContainerName);
        var prefix = string.Create(CultureInfo.InvariantCulture, $"{model.Name}/{model.Version}/");
        try
        {
            var files = await ModelFolder.ListAsync(container, prefix, cancellationToken);
            if (!files.ContainsKey(ModelBlobPath.GraphFileName))
            {
                throw new MaasException(
                    ErrorKind.NotReady,
                    string.Create(CultureInfo.InvariantCulture, $"Model '{model.Name}' version {model.Version}: model.onnx is no longer in the models container."));
            }

            files.Remove(ModelBlobPath.EvaluationFileName); // registration's business, never the session's
            return await ModelFolder.DownloadAsync(container, files, string.Create(CultureInfo.InvariantCulture, $"maas-serve-{model.Name}-{model.Version}-"), cancellationToken);
        }
        catch (RequestFailedException error) when (error.Status == 412)
        {
            throw new MaasException(
                ErrorKind.NotReady,
                string.Create(CultureInfo.InvariantCulture, $"Model '{model.Name}' version {model.Version} changed while it was being loaded; retry once it is re-registered."));
        }
        catch (RequestFailedException error)
        {
            throw new MaasException(
                ErrorKind.Unavailable,
                string.Create(CultureInfo.InvariantCulture, $"Model '{model.Name}' version {model.Version} could not be read from storage (status {error.Status}); retry later."))
            { RetryAfter = TimeSpan.FromSeconds(1) };
        }
    }

    private (InferenceSession Session, string Provider) CreateSession(ModelVersionRecord model, ModelFolder folder)
    {
        var choice = model.Config.ExecutionProvider ?? inference.Value.ExecutionProvider;
        if (choice != ExecutionProviderChoice.Cpu)
        {
            var providers = OrtEnv.Instance().GetAvailableProviders();
            var failure = providers.Contains(CudaProvider, StringComparer.Ordinal) ? null : $"this ONNX Runtime build offers {string.Join(", ", providers)}";
            if (failure is null)
            {
                try
                {
                    return (Create(model, folder, useCuda: true), CudaProvider);
                }
                catch (OnnxRuntimeException error)
                {
                    failure = folder.Redact(error.Message);
                }
            }

            if (choice == ExecutionProviderChoice.Cuda)
            {
                throw new MaasException(
                    ErrorKind.Unavailable,
                    string.Create(CultureInfo.InvariantCulture, $"Model '{model.Name}' version {model.Version} needs the CUDA execution provider, which this instance cannot provide: {failure}."));
            }

            ProviderFallbacks.Add(1, new KeyValuePair<string, object?>("model", model.Name));
            LogCudaFallback(logger, model.Name, model.Version, failure);
        }

        return (Create(model, folder, useCuda: false), CpuProvider);
    }

    private InferenceSession Create(ModelVersionRecord model, ModelFolder folder, bool useCuda)
    {
        try
        {
            return factory.Create(folder.GraphPath, useCuda);
        }
        catch (OnnxRuntimeException error) when (!useCuda)
        {
            throw new MaasException(
                ErrorKind.Unavailable,
                string.Create(CultureInfo.InvariantCulture, $"Model '{model.Name}' version {model.Version} does not load on this instance: {folder.Redact(error.Message)}"));
        }
    }

    /// <summary>One run on zero inputs (variable dimensions set to 1), so the first caller does not pay for lazy initialisation.</summary>
    private void WarmUp(LoadedModel loaded)
    {
        try
        {
            using var request = ModelRunner.ZeroRequest(loaded.Model.Inputs, [.. loaded.Model.Outputs.Where(o => o.IsTensor)]);
            using var result = ModelRunner.Run(loaded, request, CancellationToken.None);
        }
        catch (Exception error) when (error is OnnxRuntimeException or MaasException)
        {
            LogWarmUpFailed(logger, loaded.Model.Name, loaded.Model.Version, loaded.Redacted(error.Message));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {ModelName} version {ModelVersion} on {ExecutionProvider}: {Bytes} bytes in {LoadMilliseconds} ms")]
    private static partial void LogLoaded(ILogger logger, string modelName, long modelVersion, string executionProvider, long bytes, double loadMilliseconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded model {ModelName} version {ModelVersion} from its optimised copy on CPUExecutionProvider: {Bytes} bytes in {LoadMilliseconds} ms")]
    private static partial void LogLoadedFromCopy(ILogger logger, string modelName, long modelVersion, long bytes, double loadMilliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The optimised copy of model {ModelName} version {ModelVersion} could not be used ({ExceptionType}); loading the original graph")]
    private static partial void LogCopyUnusable(ILogger logger, string modelName, long modelVersion, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} asked for CUDA (executionProvider auto) but runs on CPU: {Reason}")]
    private static partial void LogCudaFallback(ILogger logger, string modelName, long modelVersion, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warm-up of model {ModelName} version {ModelVersion} failed; the model still serves: {Reason}")]
    private static partial void LogWarmUpFailed(ILogger logger, string modelName, long modelVersion, string reason);
}
