namespace Maas.Core.Health;

/// <summary>
/// Whether an instance can serve (<c>GET /v2/health/ready</c>): it can while storage answers, or while it has sessions
/// cached to serve from without storage; it cannot while a starting instance is still prewarming its busiest models.
/// The answer names the degraded dependencies either way.
/// </summary>
/// <param name="CachedModels">Sessions cached on this instance.</param>
/// <param name="Prewarming">Whether the instance is still loading its busiest models after start.</param>
public sealed record Readiness(bool Ready, IReadOnlyList<Degradation> Degraded, int CachedModels, bool Prewarming)
{
    public static Readiness Of(IReadOnlyList<Degradation> degraded, int cachedModels, bool prewarming)
    {
        ArgumentNullException.ThrowIfNull(degraded);
        return new Readiness((degraded.Count == 0 || cachedModels > 0) && !prewarming, degraded, cachedModels, prewarming);
    }
}
