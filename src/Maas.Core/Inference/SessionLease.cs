using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Inference;

/// <summary>The right to run on a cached session until disposed; the session outlives every lease on it.</summary>
public sealed class SessionLease : IDisposable
{
    private readonly SessionCache _cache;
    private readonly SessionCache.Entry _entry;
    private int _released;

    internal SessionLease(SessionCache cache, SessionCache.Entry entry, LoadedModel loaded, bool coldLoad)
    {
        _cache = cache;
        _entry = entry;
        Loaded = loaded;
        ColdLoad = coldLoad;
    }

    public LoadedModel Loaded { get; }

    public InferenceSession Session => Loaded.Session;

    /// <summary>True when this call waited for the session to load (its latency includes the cold load).</summary>
    public bool ColdLoad { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _cache.Release(_entry);
        }
    }
}
