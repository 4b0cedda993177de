namespace Maas.Core.Monitoring.Query;

/// <summary>The answer of <c>GET /models/{name}/metrics</c>: rollup points in time order.</summary>
public sealed record MetricsReport(
    string Model,
    string Grain,
    DateTimeOffset From,
    DateTimeOffset To,
    string? Version,
    string? Caller,
    IReadOnlyList<MetricsPoint> Points);
