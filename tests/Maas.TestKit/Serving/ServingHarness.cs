using Maas.Core.Capture;
using Maas.Core.Catalog;
using Maas.Core.Drift;
using Maas.Core.Generation;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Protocol;
using Maas.Core.Protocol.OpenAI;
using Maas.Core.Protocol.Simple;
using Maas.Core.Protocol.V2;
using Maas.Core.Registry;
using Maas.Core.Rollout;
using Maas.Core.Serving;
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
    private readonly AzuriteFixture _azurite;

    /// <param name="lookupCacheTtl">Registry lookup cache; zero (the default) makes tests see every registration at once.</param>
    /// <param name="tableFaults">Faults injected into the registry table's clients (registration's and serving's lookups).</param>
    /// <param name="registry">Further registry settings (lookup budget, stale-serve limit).</param>
    /// <param name="capture">Capture settings (a container of its own unless given; no hash key unless given).</param>
    /// <param name="captureBlobFaults">Faults injected into the capture writer's blob client.</param>
    /// <param name="driftClock">The clock drift stamps sampled calls with (the system's unless given).</param>
    /// <param name="generation">Generation settings (queue bound, embedding inputs).</param>
    /// <param name="rollout">Rollout settings (the shadow queue's bound).</param>
    public ServingHarness(
        AzuriteFixture azurite,
        InferenceOptions? inference = null,
        LimitsOptions? limits = null,
        TimeSpan? lookupCacheTtl = null,
        Azure.Core.Pipeline.HttpPipelinePolicy? tableFaults = null,
        Action<RegistryOptions>? registry = null,
        CaptureOptions? capture = null,
        Azure.Core.Pipeline.HttpPipelinePolicy? captureBlobFaults = null,
        TimeProvider? driftClock = null,
        GenerationOptions? generation = null,
        RolloutOptions? rollout = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        _azurite = azurite;
        InferenceOptions = inference ?? new InferenceOptions();
        Registry = new RegistryHarness(
            azurite,
            options =>
            {
                options.LookupCacheTtl = lookupCacheTtl ?? TimeSpan.Zero;
                registry?.Invoke(options);
            },
            tableFaults,
            InferenceOptions,
            capture: capture);
        Limits = limits ?? new LimitsOptions();
        var inferenceOptions = Options.Create(InferenceOptions);
        (Loader, Sessions) = CreateSessions(InferenceOptions);
        Monitoring = new MonitoringHarness(azurite, registry: Registry.Store, registryOptions: Registry.Options, observerClock: driftClock);
        Metrics = Monitoring.Recorder("serving", TimeProvider.System);
        Drift = Monitoring.DriftRecorder("serving", TimeProvider.System);
        Batcher = new DynamicBatcher(Sessions);
        CaptureOptions = capture ?? new CaptureOptions { ContainerName = AzuriteFixture.UniqueName("captures") };
        var captureOptions = Options.Create(CaptureOptions);
        CaptureBuffer = new CaptureBuffer(captureOptions);
        var captureBlobOptions = new Azure.Storage.Blobs.BlobClientOptions();
        if (captureBlobFaults is not null)
        {
            captureBlobOptions.AddPolicy(captureBlobFaults, Azure.Core.HttpPipelinePosition.PerCall);
        }

        CaptureWriter = new CaptureWriter(
            CaptureBuffer,
            new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString, captureBlobOptions),
            captureOptions,
            new MetricsInstance("harness"),
            Registry.Health,
            TimeProvider.System,
            Registry.Logs.CreateLogger<CaptureWriter>());
        var rolloutOptions = Options.Create(rollout ?? new RolloutOptions());
        Shadows = new ShadowTraffic(rolloutOptions, Registry.Logs.CreateLogger<ShadowTraffic>());
        IPredictionObserver[] observers = [new PredictionCapture(CaptureBuffer, captureOptions, TimeProvider.System, Registry.Logs.CreateLogger<PredictionCapture>()), Monitoring.DriftObserver, Shadows];
        Inference = new InferenceService(Registry.Resolver, Sessions, Batcher, observers);
        ShadowRunner = new ShadowRunner(Shadows, Inference, Metrics, rolloutOptions, TimeProvider.System, Registry.Logs.CreateLogger<ShadowRunner>());
        V2 = new V2InferenceProtocol(Options.Create(Limits));
        Simple = new SimpleInferenceProtocol(Options.Create(Limits));
        Catalog = new ModelCatalog(Registry.Resolver, Sessions, Registry.BlobService, inferenceOptions, Options.Create(Registry.Options));
        GenerationOptions = generation ?? new GenerationOptions();
        Generator = new TextGenerator(Sessions, Options.Create(GenerationOptions));
        Embedder = new Embedder(Generator, Options.Create(GenerationOptions));
        OpenAi = new OpenAiService(Inference, Registry.Resolver, Generator, Embedder, Options.Create(Limits), TimeProvider.System);
        Generate = new V2Generate(Inference, Generator, Options.Create(Limits));
    }

    public GenerationOptions GenerationOptions { get; }

    public TextGenerator Generator { get; }

    public Embedder Embedder { get; }

    /// <summary>The OpenAI-compatible API over this harness's data plane.</summary>
    public OpenAiService OpenAi { get; }

    /// <summary>The V2 generate extension over this harness's data plane.</summary>
    public V2Generate Generate { get; }

    public RegistryHarness Registry { get; }

    /// <summary>Where calls to a default queue their rollout's shadow copies; <see cref="RunShadowsAsync"/> runs them.</summary>
    public ShadowTraffic Shadows { get; }

    /// <summary>Runs shadow copies (not started: <see cref="RunShadowsAsync"/> runs what is queued).</summary>
    public ShadowRunner ShadowRunner { get; }

    /// <summary>Runs every queued shadow copy, one after another, as the runner would in the background; returns how many ran.</summary>
    public async Task<int> RunShadowsAsync()
    {
        var ran = 0;
        while (Shadows.Reader.TryRead(out var call))
        {
            using (call)
            {
                await ShadowRunner.RunAsync(call, CancellationToken.None);
            }

            ran++;
        }

        return ran;
    }

    /// <summary>The rollout API over this harness's registry and rollups, on the monitoring clock.</summary>
    public RolloutQuery RolloutQuery => new(Registry.Resolver, _azurite.TableService, Monitoring.Tables, Options.Create(Monitoring.Options), Monitoring.Clock);

    public CaptureOptions CaptureOptions { get; }

    /// <summary>Where predictions queue capture records; <see cref="CaptureWriter"/> (not started: call its FlushAsync) writes them.</summary>
    public CaptureBuffer CaptureBuffer { get; }

    public CaptureWriter CaptureWriter { get; }

    public InferenceOptions InferenceOptions { get; }

    public LimitsOptions Limits { get; }

    /// <summary>Sessions loaded so far, of <paramref name="name"/> (counted from the loader's log, one entry per load).</summary>
    public int LoadCount(string name) => Registry.Logs.Entries.Count(e => e.Category == typeof(SessionLoader).FullName
        && e.Values.TryGetValue("ModelName", out var model) && (string?)model == name && e.Message.StartsWith("Loaded model", StringComparison.Ordinal));

    public SessionCache Sessions { get; }

    /// <summary>What the cache loads sessions with: blob to session, for load measurements outside the cache.</summary>
    public SessionLoader Loader { get; }

    public DynamicBatcher Batcher { get; }

    public InferenceService Inference { get; }

    public V2InferenceProtocol V2 { get; }

    public SimpleInferenceProtocol Simple { get; }

    /// <summary>What the last prediction run through this harness measured.</summary>
    public PredictionMeasurement? LastMeasurement { get; private set; }

    /// <summary>Tables of its own for what predictions record; <see cref="Metrics"/> flushes there.</summary>
    public MonitoringHarness Monitoring { get; }

    public MetricsRecorder Metrics { get; }

    /// <summary>Summarises the calls drift samples (not started: <see cref="RollUpAsync"/> flushes it).</summary>
    public DriftRecorder Drift { get; }

    public ModelCatalog Catalog { get; }

    /// <summary>
    /// Flushes what predictions recorded and runs the rollup as the timer would a few minutes later (the monitoring
    /// clock moved to <paramref name="now"/> + 5 minutes).
    /// </summary>
    public async Task RollUpAsync(DateTimeOffset now)
    {
        await Metrics.FlushAsync(CancellationToken.None);
        await Drift.FlushAsync(CancellationToken.None);
        Monitoring.Clock.SetUtcNow(now.AddMinutes(5));
        await Monitoring.Aggregator().RunAsync(CancellationToken.None);
    }

    /// <summary>The metrics API over this harness's rollups, on the monitoring clock.</summary>
    public Maas.Core.Monitoring.Query.MetricsQuery MetricsQuery => new(_azurite.TableService, Monitoring.Tables, Registry.Resolver, Options.Create(Monitoring.Options), Monitoring.Clock);

    /// <summary>The drift API over this harness's drift rollups, on the monitoring clock.</summary>
    public Maas.Core.Drift.DriftQuery DriftQuery => new(_azurite.TableService, Monitoring.DriftTables, Registry.Resolver, Monitoring.Baselines, Options.Create(Monitoring.DriftOptions), Monitoring.Clock);

    /// <summary>An empty session cache over this harness's models, as a newly started instance has.</summary>
    public SessionCache FreshSessions(InferenceOptions? options = null) => CreateSessions(options ?? InferenceOptions).Sessions;

    /// <summary>A loader of this harness's registered models and a session cache over it, with <paramref name="options"/>.</summary>
    private (SessionLoader Loader, SessionCache Sessions) CreateSessions(InferenceOptions options)
    {
        var inferenceOptions = Options.Create(options);
        var loader = new SessionLoader(_azurite.BlobService, Registry.Sessions, Options.Create(Registry.Options), inferenceOptions, Registry.Logs.CreateLogger<SessionLoader>());
        return (loader, new SessionCache(loader, inferenceOptions, Registry.Logs.CreateLogger<SessionCache>()));
    }

    /// <summary>A prewarmer of <paramref name="sessions"/> from this harness's rollups, started at <paramref name="clock"/>'s now.</summary>
    public SessionPrewarmer Prewarmer(SessionCache sessions, InferenceOptions options, TimeProvider? clock = null)
        => new(MetricsQuery, Registry.Resolver, sessions, Options.Create(options), clock ?? Monitoring.Clock, Registry.Logs.CreateLogger<SessionPrewarmer>());

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

    /// <summary>
    /// Uploads <paramref name="files"/> (tokenizer files, say) beside the graph of a new model, then the graph, and
    /// registers it; throws unless it registers Ready. Returns the model's name.
    /// </summary>
    public async Task<string> AddModelFolderAsync(byte[] graph, IReadOnlyDictionary<string, byte[]> files, string? configJson = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var name = RegistryHarness.NewModelName();
        foreach (var (file, content) in files)
        {
            await Registry.UploadAsync($"{name}/1/{file}", content);
        }

        await AddVersionAsync(name, graph, configJson);
        return name;
    }

    /// <summary>Runs a V2 request body (JSON, or JSON header plus binary section when <paramref name="binary"/> is given) as the Infer function does.</summary>
    public Task<EncodedResponse> InferV2Async(string name, byte[] json, byte[]? binary = null, string? version = null, string? contentType = null, Caller? caller = null)
    {
        var body = binary is null ? json : [.. json, .. binary];
        var headerLength = binary is null ? null : json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { [V2InferenceProtocol.HeaderContentLengthName] = headerLength };
        return RunAsync(V2, new WireRequest(contentType ?? "application/json", body.Length, h => headers.GetValueOrDefault(h), new MemoryStream(body)), name, version, caller);
    }

    /// <summary>Runs a simple-API request body as the Predict function does.</summary>
    public Task<EncodedResponse> PredictAsync(string name, string json, string? version = null, Caller? caller = null)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        return RunAsync(Simple, new WireRequest("application/json", body.Length, _ => null, new MemoryStream(body)), name, version, caller);
    }

    /// <summary>One prediction through <see cref="PredictionPipeline"/>, recorded into <see cref="Metrics"/> like the app's recording middleware does.</summary>
    public Task<EncodedResponse> RunAsync(IInferenceProtocol protocol, WireRequest request, string name, string? version, Caller? caller = null)
        => RecordedAsync(name, caller, measurement => Inference.RunAsync(protocol, request, name, version, caller ?? Caller.Anonymous, measurement, CancellationToken.None));

    /// <summary>A whole (not streamed) chat or text completion through the OpenAI API, recorded into <see cref="Metrics"/> like the app's recording middleware does; returns the response body.</summary>
    public Task<string> CompleteAsync(string json, bool chat, Caller? caller = null)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        return RecordedAsync(string.Empty, caller, async measurement =>
        {
            using var completion = await OpenAi.CompleteAsync(new WireRequest("application/json", body.Length, _ => null, new MemoryStream(body)), chat, caller ?? Caller.Anonymous, measurement, CancellationToken.None);
            return System.Text.Encoding.UTF8.GetString(completion.Body!.Body.Span);
        });
    }

    /// <summary>Runs a call with a fresh measurement (kept as <see cref="LastMeasurement"/>) and records it, failed or not, as the recording middleware does.</summary>
    private async Task<T> RecordedAsync<T>(string requestedModel, Caller? caller, Func<PredictionMeasurement, Task<T>> call)
    {
        var measurement = new PredictionMeasurement(requestedModel) { CallerAppId = (caller ?? Caller.Anonymous).AppId };
        LastMeasurement = measurement;
        try
        {
            var result = await call(measurement);
            Metrics.Record(measurement.ToRecord(DateTimeOffset.UtcNow, failure: null));
            return result;
        }
        catch (Exception error)
        {
            Metrics.Record(measurement.ToRecord(DateTimeOffset.UtcNow, error));
            throw;
        }
    }

    public void Dispose()
    {
        Batcher.Dispose();
        Sessions.Dispose();
        Metrics.Dispose();
    }
}
