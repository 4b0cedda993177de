using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Health;
using Maas.Core.Models;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Registry;

/// <summary>
/// The read side of the registry, used by the management API and the serving path. Lookups of a model's versions
/// are cached per instance for <c>Registry:LookupCacheTtl</c> so a prediction does not cost a table read; they are
/// bounded by <c>Registry:LookupTimeout</c>, and while storage fails the last rows read keep serving (stale-if-error).
/// </summary>
public sealed partial class ModelResolver(
    ModelRegistryStore store,
    IOptions<RegistryOptions> options,
    IMemoryCache cache,
    DependencyHealth health,
    TimeProvider clock,
    ILogger<ModelResolver> logger)
{
    private static readonly TimeSpan RetryAfterStorageFault = TimeSpan.FromSeconds(1);

    private static readonly Counter<long> StaleServes = MaasTelemetry.Meter.CreateCounter<long>(
        "maas.registry.stale_serves", description: "Predictions served from registry rows read before storage started failing.");

    /// <summary>The last rows read of every model that has versions, kept for stale-if-error.</summary>
    private readonly ConcurrentDictionary<string, Lookup> _lastKnown = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, Lazy<Task<Lookup>>> _refreshing = new(StringComparer.Ordinal);

    /// <summary>Every version of every model.</summary>
    public Task<IReadOnlyList<ModelVersionRecord>> ListAllAsync(CancellationToken cancellationToken) => store.ListAllAsync(cancellationToken);

    /// <summary>The versions of one model, newest first; 404 when it has none.</summary>
    public async Task<IReadOnlyList<ModelVersionRecord>> GetModelAsync(string name, CancellationToken cancellationToken)
    {
        var versions = (await GetLookupAsync(name, cancellationToken)).Versions;
        return versions.Count > 0 ? versions : throw NotFound(name);
    }

    /// <summary>One version, whatever its status; 404 when unknown.</summary>
    public async Task<ModelVersionRecord> GetVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        if (!ModelBlobPath.TryParseVersion(version, out var number))
        {
            throw new MaasException(ErrorKind.NotFound, $"Model '{name}' has no version '{version}': {ModelBlobPath.VersionRule}.");
        }

        var versions = await GetModelAsync(name, cancellationToken);
        return versions.FirstOrDefault(v => v.Version == number)
            ?? throw new MaasException(ErrorKind.NotFound, string.Create(CultureInfo.InvariantCulture, $"Model '{name}' has no version {number}."));
    }

    /// <summary>
    /// The version to serve: the one named, else the default version (<see cref="PromotionPolicy"/>).
    /// 404 when unknown; 409 with the registration reason when it exists but is not Ready.
    /// </summary>
    public async Task<ModelVersionRecord> ResolveAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var chosen = version is not null ? await GetVersionAsync(name, version, cancellationToken) : await DefaultAsync(name, cancellationToken);
        return Servable(chosen);
    }

    /// <summary>The version when it is Ready; 409 with its registration reason otherwise (a pinned default may be Failed).</summary>
    private static ModelVersionRecord Servable(ModelVersionRecord chosen) => chosen.Status == ModelStatus.Ready
        ? chosen
        : throw new MaasException(
            ErrorKind.NotReady,
            string.Create(CultureInfo.InvariantCulture, $"Model '{chosen.Name}' version {chosen.Version} is {chosen.Status}: {chosen.Reason}"));

    /// <summary>
    /// The version that serves one prediction call. A call naming a version gets it, as <see cref="ResolveAsync"/> says.
    /// A call naming none goes to a running rollout's canary when <see cref="CanarySplit"/> puts its key there, else to
    /// the default version, with the rollout's shadow when it has one running.
    /// </summary>
    public async Task<ResolvedCall> ResolveCallAsync(string name, string? version, RolloutKeys keys, CancellationToken cancellationToken)
    {
        if (version is not null)
        {
            return new ResolvedCall(await ResolveAsync(name, version, cancellationToken), Shadow: null);
        }

        var lookup = await GetLookupAsync(name, cancellationToken);
        var chosen = Servable(DefaultOf(name, lookup));
        if (lookup.Promotion.Rollout is not { } rollout)
        {
            return new ResolvedCall(chosen, Shadow: null);
        }

        if (rollout is { Canary: { } canary, Config.Canary: { } split } && CanarySplit.ToCanary(name, split, keys.For(split.Sticky)))
        {
            return new ResolvedCall(canary, Shadow: null);
        }

        return new ResolvedCall(chosen, rollout is { Shadow: { } shadow, Config.Shadow: { } copies } ? new ShadowTarget(shadow, copies.Percent, rollout.Config.Gates) : null);
    }

    /// <summary>The default version: 404 when the model has no versions, 409 when none can be served by default.</summary>
    private async Task<ModelVersionRecord> DefaultAsync(string name, CancellationToken cancellationToken)
        => DefaultOf(name, await GetLookupAsync(name, cancellationToken));

    private static ModelVersionRecord DefaultOf(string name, Lookup lookup)
        => lookup.Versions.Count == 0
            ? throw NotFound(name)
            : lookup.Promotion.Default
                ?? throw new MaasException(ErrorKind.NotReady, $"Model '{name}' has no version that can be served by default: none is Ready and promoted (see GET /models/{name}); name a version to call one that is Ready.");

    /// <summary>The model's default version and rollout as serving applies them now (from the rows last read).</summary>
    public async Task<PromotionDecision> PromotionOfAsync(string name, CancellationToken cancellationToken)
    {
        var lookup = await GetLookupAsync(name, cancellationToken);
        return lookup.Versions.Count == 0 ? throw NotFound(name) : lookup.Promotion;
    }

    /// <summary>The default version of a model, as <see cref="PromotionPolicy"/> decides it; null when none qualifies.</summary>
    public static ModelVersionRecord? DefaultOf(IReadOnlyList<ModelVersionRecord> versions) => PromotionPolicy.Decide(versions).Default;

    /// <summary>The model's rows as last read (see <see cref="RefreshAsync"/>), with their promotion decision made once per read.</summary>
    private async Task<Lookup> GetLookupAsync(string name, CancellationToken cancellationToken)
    {
        if (!ModelBlobPath.IsValidName(name))
        {
            throw NotFound(name);
        }

        if (options.Value.LookupCacheTtl > TimeSpan.Zero && cache.TryGetValue(CacheKey(name), out Lookup? cached) && cached is not null)
        {
            CountStale(cached);
            return cached;
        }

        // One refresh per model at a time. Callers arriving meanwhile take the rows last read when the lookup cache is on
        // (a slow or hanging storage then costs one caller the budget, not all); otherwise they wait for it.
        var mine = new Lazy<Task<Lookup>>(() => RefreshAsync(name));
        var refresh = _refreshing.GetOrAdd(name, mine);
        if (!ReferenceEquals(refresh, mine) && options.Value.LookupCacheTtl > TimeSpan.Zero && _lastKnown.TryGetValue(name, out var known))
        {
            return known;
        }

        try
        {
            var lookup = await refresh.Value.WaitAsync(cancellationToken);
            CountStale(lookup);
            return lookup;
        }
        finally
        {
            if (refresh.Value.IsCompleted)
            {
                _refreshing.TryRemove(KeyValuePair.Create(name, refresh));
            }
        }
    }

    /// <summary>
    /// Reads the model's rows within <c>Registry:LookupTimeout</c>. When storage fails or does not answer in time, the
    /// last rows read keep serving for up to <c>Registry:StaleServeLimit</c> (a warning once per model and outage); a
    /// model not known here is a 503 naming storage.
    /// </summary>
    private async Task<Lookup> RefreshAsync(string name)
    {
        var settings = options.Value;
        using var budget = new CancellationTokenSource(settings.LookupTimeout, clock);
        Lookup lookup;
        try
        {
            IReadOnlyList<ModelVersionRecord> versions = [.. (await store.LookUpVersionsAsync(name, budget.Token)).OrderByDescending(v => v.Version)];
            health.ReportSuccess(DependencyHealth.Storage);
            lookup = new Lookup(versions, clock.GetUtcNow(), Stale: false);
            if (versions.Count > 0)
            {
                _lastKnown[name] = lookup;
            }
            else
            {
                _lastKnown.TryRemove(name, out _);
            }
        }
        catch (Exception error) when (StorageFaults.IsTransient(error) || (error is OperationCanceledException && budget.IsCancellationRequested))
        {
            health.ReportFailure(DependencyHealth.Storage, "registry lookup");
            if (!_lastKnown.TryGetValue(name, out var known) || clock.GetUtcNow() - known.ReadAt > settings.StaleServeLimit)
            {
                throw new MaasException(
                    ErrorKind.Unavailable,
                    string.Create(CultureInfo.InvariantCulture, $"The model registry in storage could not be read within {settings.LookupTimeout.TotalSeconds:0.###} s (Registry:LookupTimeout), and model '{name}' is not known on this instance; retry shortly."))
                {
                    RetryAfter = settings.LookupCacheTtl > RetryAfterStorageFault ? settings.LookupCacheTtl : RetryAfterStorageFault,
                };
            }

            if (known.TryMarkStaleLogged())
            {
                LogServingStale(logger, name, known.ReadAt, error.GetType().Name);
            }

            lookup = known with { Stale = true };
        }

        if (settings.LookupCacheTtl > TimeSpan.Zero)
        {
            cache.Set(CacheKey(name), lookup, settings.LookupCacheTtl);
        }

        return lookup;
    }

    private static void CountStale(Lookup lookup)
    {
        if (lookup.Stale && lookup.Versions.Count > 0)
        {
            StaleServes.Add(1, new KeyValuePair<string, object?>("model", lookup.Versions[0].Name));
        }
    }

    private static string CacheKey(string name) => "registry:" + name;

    private static MaasException NotFound(string name) => new(ErrorKind.NotFound, $"Model '{name}' does not exist.");

    /// <summary>A model's rows as read at <paramref name="ReadAt"/>; <paramref name="Stale"/> when served because a later read failed.</summary>
    private sealed record Lookup(IReadOnlyList<ModelVersionRecord> Versions, DateTimeOffset ReadAt, bool Stale)
    {
        private PromotionDecision? _promotion;

        /// <summary>
        /// Which version is the default: decided on first use and kept with the rows, so predictions without a version
        /// do not decide it again each call (two threads may both decide it once; the answer is the same).
        /// </summary>
        public PromotionDecision Promotion => _promotion ??= PromotionPolicy.Decide(Versions);

        private int _staleLogged;

        /// <summary>True the first time per outage (per rows read): the warning is logged once.</summary>
        public bool TryMarkStaleLogged() => Interlocked.Exchange(ref _staleLogged, 1) == 0;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry lookup of model {ModelName} failed ({ExceptionType}); serving the rows read at {ReadAt} until storage answers again or Registry:StaleServeLimit passes")]
    private static partial void LogServingStale(ILogger logger, string modelName, DateTimeOffset readAt, string exceptionType);
}
