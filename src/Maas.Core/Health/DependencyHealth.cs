using System.Collections.Concurrent;

namespace Maas.Core.Health;

/// <summary>
/// What this instance last saw of each dependency it cannot serve without for long (Table and Blob Storage): the
/// registry lookups and the metrics flush report every success and failure; the readiness endpoint reads it.
/// </summary>
public sealed class DependencyHealth(TimeProvider clock)
{
    /// <summary>The storage account: the registry table, the models container, the metrics tables.</summary>
    public const string Storage = "storage";

    private readonly ConcurrentDictionary<string, Degradation> _degraded = new(StringComparer.Ordinal);

    public void ReportSuccess(string dependency) => _degraded.TryRemove(dependency, out _);

    /// <summary>Marks <paramref name="dependency"/> degraded since its first failure in a row; <paramref name="what"/> says which operation failed.</summary>
    public void ReportFailure(string dependency, string what)
        => _degraded.AddOrUpdate(dependency, _ => new Degradation(dependency, clock.GetUtcNow(), what), (_, known) => known with { LastFailure = what });

    /// <summary>The dependencies whose last operation failed, with when the failures began.</summary>
    public IReadOnlyList<Degradation> Degraded => [.. _degraded.Values.OrderBy(d => d.Dependency, StringComparer.Ordinal)];
}

/// <param name="LastFailure">The operation that failed last, in words (no exception text from the service).</param>
public sealed record Degradation(string Dependency, DateTimeOffset Since, string LastFailure);
