using System.Diagnostics.Metrics;
using Maas.Core.Models;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Inference;

/// <summary>
/// The per-instance cache of ONNX Runtime sessions, keyed by (name, version, SHA-256).
/// <list type="bullet">
/// <item>Single flight: concurrent first requests for a key share one load.</item>
/// <item>Least recently used sessions are evicted while the cache is over <c>Inference:MaxCachedModelBytes</c> or <c>Inference:MaxCachedModels</c>.</item>
/// <item>Leases: a session is disposed only when it has left the cache and no run holds it, so eviction never breaks a request.</item>
/// <item>A newer registry row with another SHA-256 for a (name, version) retires the entry of the old one.</item>
/// </list>
/// </summary>
public sealed partial class SessionCache(SessionLoader loader, IOptions<InferenceOptions> options, ILogger<SessionCache> logger) : IDisposable
{
    private static readonly Counter<long> Evictions = MaasTelemetry.Meter.CreateCounter<long>("maas.sessions.evictions", description: "Sessions evicted from the cache.");

    private readonly Lock _gate = new();
    private readonly Dictionary<SessionKey, Entry> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private long _bytes;

    /// <summary>Bytes of the loaded sessions the cache holds now.</summary>
    public long CachedBytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Number of loaded sessions the cache holds now.</summary>
    public int CachedCount
    {
        get
        {
            lock (_gate)
            {
                return _recency.Count;
            }
        }
    }

    /// <summary>A lease on the session of <paramref name="model"/>, loading it on first use. Dispose the lease when the run is done.</summary>
    public async Task<SessionLease> AcquireAsync(ModelVersionRecord model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var key = new SessionKey(model.Name, model.Version, model.Sha256);
        while (true)
        {
            Entry entry;
            var retired = new List<LoadedModel>();
            lock (_gate)
            {
                if (!_entries.TryGetValue(key, out entry!))
                {
                    RetireOlderShas(key, model.UpdatedAt, retired);
                    entry = new Entry(key, model.UpdatedAt);
                    _entries.Add(key, entry);
                    entry.Loading = Task.Run(() => LoadEntryAsync(entry, model), CancellationToken.None);
                }
            }

            DisposeAll(retired);
            var loaded = await entry.Loading.WaitAsync(cancellationToken);
            lock (_gate)
            {
                if (!entry.Disposed)
                {
                    entry.Leases++;
                    if (entry.Node is { } node)
                    {
                        _recency.Remove(node);
                        _recency.AddLast(node);
                    }

                    return new SessionLease(this, entry, loaded, entry.LoadedByThisCall());
                }
            }

            // Evicted and disposed between its load and this lease: load it again.
        }
    }

    /// <summary>The provider the session of (name, version) runs on in this instance, or null when it is not loaded here.</summary>
    public string? LoadedProviderOf(string name, long version)
    {
        lock (_gate)
        {
            return _recency.FirstOrDefault(e => e.Key.Name == name && e.Key.Version == version)?.Loaded?.ExecutionProvider;
        }
    }

    public void Dispose()
    {
        var retired = new List<LoadedModel>();
        lock (_gate)
        {
            foreach (var entry in _entries.Values.ToList())
            {
                Retire(entry, retired);
            }
        }

        DisposeAll(retired);
    }

    internal void Release(Entry entry)
    {
        LoadedModel? toDispose = null;
        lock (_gate)
        {
            entry.Leases--;
            if (entry.Retired && entry.Leases == 0 && !entry.Disposed)
            {
                entry.Disposed = true;
                toDispose = entry.Loaded;
            }
        }

        toDispose?.Dispose();
    }

    private async Task<LoadedModel> LoadEntryAsync(Entry entry, ModelVersionRecord model)
    {
        LoadedModel loaded;
        try
        {
            // The load belongs to every caller waiting on it, so no single caller's cancellation stops it.
            loaded = await loader.LoadAsync(model, CancellationToken.None);
        }
        catch
        {
            lock (_gate)
            {
                if (_entries.TryGetValue(entry.Key, out var current) && current == entry)
                {
                    _entries.Remove(entry.Key);
                }

                entry.Disposed = true;
            }

            throw;
        }

        var retired = new List<LoadedModel>();
        lock (_gate)
        {
            entry.Loaded = loaded;
            if (entry.Retired)
            {
                entry.Disposed = true;
                retired.Add(loaded);
            }
            else
            {
                entry.Node = _recency.AddLast(entry);
                _bytes += loaded.Bytes;
                EvictOverBudget(entry, retired);
            }
        }

        DisposeAll(retired);
        return loaded;
    }

    /// <summary>Evicts least recently used sessions, never <paramref name="keep"/>, until the cache fits its budget.</summary>
    private void EvictOverBudget(Entry keep, List<LoadedModel> retired)
    {
        var budget = options.Value;
        var node = _recency.First;
        while (node is not null && (_bytes > budget.MaxCachedModelBytes || _recency.Count > budget.MaxCachedModels))
        {
            var next = node.Next;
            if (node.Value != keep)
            {
                LogEvicted(logger, node.Value.Key.Name, node.Value.Key.Version, node.Value.Leases);
                Evictions.Add(1);
                Retire(node.Value, retired);
            }

            node = next;
        }
    }

    /// <summary>
    /// Retires the entries of the same version under another SHA-256 that the registry wrote before this one. A lookup
    /// still cached with the old row (for up to <c>Registry:LookupCacheTtl</c>) never retires the new session.
    /// </summary>
    private void RetireOlderShas(SessionKey key, DateTimeOffset updatedAt, List<LoadedModel> retired)
    {
        foreach (var stale in _entries.Values.Where(e => e.Key.Name == key.Name && e.Key.Version == key.Version && e.Key.Sha256 != key.Sha256 && e.UpdatedAt <= updatedAt).ToList())
        {
            LogStale(logger, key.Name, key.Version, stale.Key.Sha256, key.Sha256);
            Retire(stale, retired);
        }
    }

    /// <summary>Takes an entry out of the cache; its session is disposed now if no run holds it, else by the last lease.</summary>
    private void Retire(Entry entry, List<LoadedModel> retired)
    {
        if (_entries.TryGetValue(entry.Key, out var current) && current == entry)
        {
            _entries.Remove(entry.Key);
        }

        if (entry.Node is { } node)
        {
            _recency.Remove(node);
            entry.Node = null;
            _bytes -= entry.Loaded!.Bytes;
        }

        entry.Retired = true;
        if (entry.Leases == 0 && entry.Loaded is { } loaded && !entry.Disposed)
        {
            entry.Disposed = true;
            retired.Add(loaded);
        }
    }

    private static void DisposeAll(List<LoadedModel> models)
    {
        foreach (var model in models)
        {
            model.Dispose();
        }
    }

    internal readonly record struct SessionKey(string Name, long Version, string Sha256);

    /// <summary>One cache slot. All fields but <see cref="Loading"/> are guarded by the cache's lock.</summary>
    internal sealed class Entry(SessionKey key, DateTimeOffset updatedAt)
    {
        private int _firstLease;

        public SessionKey Key { get; } = key;

        /// <summary>When the registry wrote the row this entry was loaded for.</summary>
        public DateTimeOffset UpdatedAt { get; } = updatedAt;

        public Task<LoadedModel> Loading { get; set; } = null!;

        public LoadedModel? Loaded { get; set; }

        public LinkedListNode<Entry>? Node { get; set; }

        public int Leases { get; set; }

        public bool Retired { get; set; }

        public bool Disposed { get; set; }

        /// <summary>True exactly once: for the first lease on this load, the call that pays for the cold load.</summary>
        public bool LoadedByThisCall() => Interlocked.Exchange(ref _firstLease, 1) == 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evicting model {ModelName} version {ModelVersion} from the session cache ({Leases} runs still hold it)")]
    private static partial void LogEvicted(ILogger logger, string modelName, long modelVersion, int leases);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelName} version {ModelVersion} changed from SHA-256 {OldSha256} to {NewSha256}; retiring the old session")]
    private static partial void LogStale(ILogger logger, string modelName, long modelVersion, string oldSha256, string newSha256);
}
