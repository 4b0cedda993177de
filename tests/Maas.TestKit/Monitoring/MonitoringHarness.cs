using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Maas.Core.Drift;
using Maas.Core.Health;
using Maas.Core.Monitoring;
using Maas.Core.Registry;
using Maas.Core.Rollout;
using Maas.TestKit.Azurite;
using Maas.TestKit.Logging;
using Maas.TestKit.Registry;
using Microsoft.Extensions.Time.Testing;

namespace Maas.TestKit.Monitoring;

/// <summary>
/// Monitoring on real Azurite with tables of its own and a clock the test moves: recorders as separate instances,
/// the aggregator and the rollup table.
/// </summary>
public sealed class MonitoringHarness
{
    private readonly AzuriteFixture _azurite;

    /// <param name="registry">The registry drift reads versions' configs and baselines from (an empty one of its own unless given).</param>
    /// <param name="observerClock">The clock sampled calls are stamped with (the system's unless given).</param>
    public MonitoringHarness(AzuriteFixture azurite, MonitoringOptions? options = null, DateTimeOffset? start = null, ModelRegistryStore? registry = null, RegistryOptions? registryOptions = null, TimeProvider? observerClock = null)
    {
        _azurite = azurite ?? throw new ArgumentNullException(nameof(azurite));
        _observerClock = observerClock ?? TimeProvider.System;
        Options = options ?? new MonitoringOptions();
        Registry = registry ?? new ModelRegistryStore(azurite.TableService.GetTableClient(AzuriteFixture.UniqueName("models")));
        Baselines = new DriftBaselineStore(azurite.BlobService, Microsoft.Extensions.Options.Options.Create(registryOptions ?? new RegistryOptions()));
        Clock = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 11, 2, 10, 0, 0, TimeSpan.Zero));
        Tables = new MetricsTables(AzuriteFixture.UniqueName("raw"), AzuriteFixture.UniqueName("rollup"));
        DriftTables = new DriftTables(AzuriteFixture.UniqueName("driftraw"), AzuriteFixture.UniqueName("driftrollup"));
    }

    public MonitoringOptions Options { get; }

    public DriftOptions DriftOptions { get; } = new();

    public ModelRegistryStore Registry { get; }

    public DriftBaselineStore Baselines { get; }

    /// <summary>Where sampled calls wait for <see cref="DriftRecorder"/>.</summary>
    public DriftObserver DriftObserver => _driftObserver ??= new DriftObserver(Microsoft.Extensions.Options.Options.Create(DriftOptions), _observerClock, Logs.CreateLogger<DriftObserver>());

    private readonly TimeProvider _observerClock;

    private DriftObserver? _driftObserver;

    public FakeTimeProvider Clock { get; }

    public MetricsTables Tables { get; }

    public DriftTables DriftTables { get; }

    public LogRecorder Logs { get; } = new();

    public TableClient Rollup => _azurite.TableService.GetTableClient(Tables.Rollup);

    public TableClient Raw => _azurite.TableService.GetTableClient(Tables.Raw);

    /// <summary>A recorder writing as instance <paramref name="instanceId"/>, on the harness clock unless <paramref name="clock"/> is given, optionally through <paramref name="faults"/>.</summary>
    public MetricsRecorder Recorder(string instanceId, TimeProvider? clock = null, HttpPipelinePolicy? faults = null)
        => new(Client(faults), Tables, new MetricsInstance(instanceId), Microsoft.Extensions.Options.Options.Create(Options), clock ?? Clock, Logs.CreateLogger<MetricsRecorder>());

    /// <summary>The aggregator, optionally writing through <paramref name="faults"/> (an outage mid-run).</summary>
    public MetricsAggregator Aggregator(HttpPipelinePolicy? faults = null)
    {
        var client = Client(faults);
        return new(client, Tables, DriftAggregator(client), [RolloutJudge(client)], Microsoft.Extensions.Options.Options.Create(Options), Clock, Logs.CreateLogger<MetricsAggregator>());
    }

    /// <summary>The rollouts' decider the aggregator runs, on the harness registry.</summary>
    public RolloutJudge RolloutJudge(TableServiceClient? client = null)
        => new(Registry, client ?? Client(null), Tables, DriftQuery(client), Logs.CreateLogger<RolloutJudge>());

    /// <summary>Drift as the API reads it, on the harness registry.</summary>
    public DriftQuery DriftQuery(TableServiceClient? client = null)
        => new(client ?? Client(null), DriftTables, Resolver, Baselines, Microsoft.Extensions.Options.Options.Create(DriftOptions), Clock);

    /// <summary>The registry as serving reads it (no lookup cache), on the harness clock.</summary>
    public ModelResolver Resolver => _resolver ??= new ModelResolver(
        Registry,
        Microsoft.Extensions.Options.Options.Create(new RegistryOptions { LookupCacheTtl = TimeSpan.Zero, LookupTimeout = RegistryHarness.TestLookupTimeout }),
        new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions()),
        new DependencyHealth(Clock),
        Clock,
        Logs.CreateLogger<ModelResolver>());

    private ModelResolver? _resolver;

    /// <summary>The drift half of the rollup, on its own (the aggregator runs it).</summary>
    public DriftAggregator DriftAggregator(TableServiceClient? client = null)
        => new(client ?? Client(null), DriftTables, Registry, Baselines, Microsoft.Extensions.Options.Options.Create(DriftOptions), Logs.CreateLogger<DriftAggregator>());

    /// <summary>A drift recorder summarising <see cref="DriftObserver"/>'s calls as instance <paramref name="instanceId"/> (not started: call its FlushAsync).</summary>
    public DriftRecorder DriftRecorder(string instanceId, TimeProvider? clock = null, HttpPipelinePolicy? faults = null)
        => new(DriftObserver, Baselines, Client(faults), DriftTables, new MetricsInstance(instanceId), new DependencyHealth(clock ?? Clock), Microsoft.Extensions.Options.Options.Create(Options), clock ?? Clock, Logs.CreateLogger<DriftRecorder>());

    private TableServiceClient Client(HttpPipelinePolicy? faults)
    {
        var clientOptions = new TableClientOptions();
        if (faults is not null)
        {
            clientOptions.AddPolicy(faults, Azure.Core.HttpPipelinePosition.PerCall);
        }

        return new TableServiceClient(_azurite.ConnectionString, clientOptions);
    }

    /// <summary>Every rollup row (watermark included) as comparable text, to prove two runs wrote the same.</summary>
    public async Task<IReadOnlyList<string>> RollupSnapshotAsync()
    {
        var rows = new List<string>();
        await foreach (var entity in Rollup.QueryAsync<TableEntity>())
        {
            var latency = entity.GetBinary(nameof(MetricsAggregate.Latency));
            var aggregate = latency is null ? null : MetricsAggregate.ReadFrom(entity);
            rows.Add(string.Join(
                ';',
                entity.Where(pair => pair.Key is not ("odata.etag" or "Timestamp") && pair.Value is not byte[])
                    .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                    .Select(pair => $"{pair.Key}={pair.Value}")
                    .Append($"p99={aggregate?.Latency.Quantile(0.99)}")));
        }

        return rows;
    }

    /// <summary>Reads a rollup row's aggregate, or null when there is none.</summary>
    public async Task<MetricsAggregate?> RollupAsync(string model, string version, MetricsGrain grain, DateTimeOffset period)
    {
        var row = await Rollup.GetEntityIfExistsAsync<TableEntity>(MetricsTables.RollupPartition(model, grain), MetricsTables.RollupRowKey(period, version));
        return row.HasValue ? MetricsAggregate.ReadFrom(row.Value!) : null;
    }
}
