using Maas.Core.Inference;
using Maas.Core.Monitoring;
using Maas.Core.Protocol;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Monitoring;
using Maas.TestKit.Registry;
using Microsoft.Extensions.Options;

namespace Maas.TestKit.Serving;

/// <summary>
/// The serving path on real Azurite and real ONNX Runtime: a registry of its own (see <see cref="RegistryHarness"/>),
/// a session cache loading from its container, the data plane and the catalog, wired as the app wires them.
/// </summary>
public sealed class ServingHarness : IDisposable
{
    /// <param name="lookupCacheTtl">Registry lookup cache; zero (the default) makes tests see every registration at once.</param>
    public ServingHarness(AzuriteFixture azurite, InferenceOptions? inference = null, LimitsOptions? limits = null, TimeSpan? lookupCacheTtl = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        Registry = new RegistryHarness(azurite, options => options.LookupCacheTtl = lookupCacheTtl ?? TimeSpan.Zero);
        InferenceOptions = inference ?? new InferenceOptions();
        Limits = limits ?? new LimitsOptions();
        var inferenceOptions = Options.Create(InferenceOptions);
        var loader = new SessionLoader(azurite.BlobService, Options.Create(Registry.Options), inferenceOptions, Registry.Logs.CreateLogger<SessionLoader>());
        Sessions = new SessionCache(loader, inferenceOptions, Registry.Logs.CreateLogger<SessionCache>());
        Monitoring = new MonitoringHarness(azurite);
        Metrics = Monitoring.Recorder("serving", TimeProvider.System);
        Batcher = new DynamicBatcher(Sessions);
        Inference = new InferenceService(Registry.Repository, Sessions, Batcher, Metrics, TimeProvider.System, Options.Create(Limits));
        Catalog = new ModelCatalog(Registry.Repository, Sessions, inferenceOptions);
    }

    public RegistryHarness Registry { get; }

    public InferenceOptions InferenceOptions { get; }

    public LimitsOptions Limits { get; }

    /// <summary>Sessions loaded so far, of <paramref name="name"/> (counted from the loader's log, one entry per load).</summary>
    public int LoadCount(string name) => Registry.Logs.Entries.Count(e => e.Category == typeof(SessionLoader).FullName
        && e.Values.TryGetValue("ModelName", out var model) && (string?)model == name && e.Message.StartsWith("Loaded model", StringComparison.Ordinal));

    public SessionCache Sessions { get; }

    public DynamicBatcher Batcher { get; }

    public InferenceService Inference { get; }

    /// <summary>Tables of its own for what the data plane records; <see cref="Metrics"/> flushes there.</summary>
    public MonitoringHarness Monitoring { get; }

    public MetricsRecorder Metrics { get; }

    public ModelCatalog Catalog { get; }

    /// <summary>Uploads <paramref name="graph"/> as version <paramref name="version"/> of a new model (optionally with config.json) and registers it; returns the model name.</summary>
    public async Task<string> AddModelAsync(byte[] graph, string? configJson = null, long version = 1)
    {
        var name = RegistryHarness.NewModelName();
        await AddVersionAsync(name, graph, configJson, version);
        return name;
    }

    /// <summary>Uploads and registers one version of <paramref name="name"/>; throws unless it registers Ready.</summary>
    public async Task<ModelVersionRecord> AddVersionAsync(string name, byte[] graph, string? configJson = null, long version = 1)
    {
        if (configJson is not null)
        {
            await Registry.UploadAsync($"{name}/config.json", System.Text.Encoding.UTF8.GetBytes(configJson));
        }

        await Registry.UploadAndRegisterAsync($"{name}/{version}/model.onnx", graph);
        var row = await Registry.RowAsync(name, version) ?? throw new InvalidOperationException("Registration wrote no row.");
        return row.Status == ModelStatus.Ready ? row : throw new InvalidOperationException($"Test model did not register Ready: {row.Reason}");
    }

    /// <summary>Runs a V2 request body (JSON, or JSON header plus binary section when <paramref name="binary"/> is given).</summary>
    public Task<EncodedResponse> InferV2Async(string name, byte[] json, byte[]? binary = null, string? version = null, string? contentType = null)
    {
        var body = binary is null ? json : [.. json, .. binary];
        var headerLength = binary is null ? null : json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Inference.InferAsync(
            new PredictionCall(name, version, contentType ?? "application/json", body.Length, headerLength, new MemoryStream(body)),
            V2InferenceProtocol.Instance,
            CancellationToken.None);
    }

    /// <summary>Runs a simple-API request body.</summary>
    public Task<EncodedResponse> PredictAsync(string name, string json, string? version = null)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        return Inference.InferAsync(
            new PredictionCall(name, version, "application/json", body.Length, null, new MemoryStream(body)),
            SimpleInferenceProtocol.Instance,
            CancellationToken.None);
    }

    public void Dispose()
    {
        Batcher.Dispose();
        Sessions.Dispose();
        Metrics.Dispose();
    }
}
