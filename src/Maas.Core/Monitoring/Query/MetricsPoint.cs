
namespace Maas.Core.Monitoring.Query;

/// <summary>One rollup period of a model as <c>GET /models/{name}/metrics</c> returns it. Latencies in milliseconds.</summary>
public sealed record MetricsPoint(
    DateTimeOffset Time,
    string Version,
    long Requests,
    IReadOnlyDictionary<string, long> Outcomes,
    double ErrorRate,
    double ThroughputPerSecond,
    IReadOnlyDictionary<string, double> LatencyMs,
    double MeanQueueMs,
    double MeanInferenceMs,
    double MeanBatchSize,
    long BytesIn,
    long BytesOut,
    long ColdLoads,
    double MeanColdLoadMs,
    long CaptureDropped,
    IReadOnlyList<string> ExecutionProviders,
    bool SloBreached,
    IReadOnlyDictionary<string, CallerFigures> Callers,
    long PromptTokens,
    long CompletionTokens,
    IReadOnlyDictionary<string, double>? TimeToFirstTokenMs,
    IReadOnlyDictionary<string, double>? TimePerOutputTokenMs,
    long BatchCalls,
    long ModelFailures,
    long ShadowCalls,
    long ShadowDropped,
    double? ShadowAgreement)
{
    /// <summary>The version value of a point that merges every version of the model.</summary>
    public const string AllVersions = "all";

    public static MetricsPoint From(DateTimeOffset time, string version, MetricsGrain grain, MetricsAggregate aggregate, MonitoringOptions slo, string? caller)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var requests = Math.Max(1, aggregate.Requests);
        var period = grain == MetricsGrain.Minute ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1);
        return new MetricsPoint(
            time,
            version,
            aggregate.Requests,
            Enum.GetValues<OutcomeClass>().ToDictionary(o => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(o.ToString()), aggregate.CountOf),
            SloCheck.ErrorRate(aggregate),
            aggregate.Requests / period.TotalSeconds,
            new Dictionary<string, double>
            {
                ["p50"] = aggregate.Latency.Quantile(0.50).TotalMilliseconds,
                ["p90"] = aggregate.Latency.Quantile(0.90).TotalMilliseconds,
                ["p95"] = aggregate.Latency.Quantile(0.95).TotalMilliseconds,
                ["p99"] = aggregate.Latency.Quantile(0.99).TotalMilliseconds,
                ["max"] = aggregate.Latency.Max.TotalMilliseconds,
            },
            aggregate.QueueMicroseconds / 1000.0 / requests,
            aggregate.InferenceMicroseconds / 1000.0 / requests,
            aggregate.MeanBatchSize,
            aggregate.BytesIn,
            aggregate.BytesOut,
            aggregate.ColdLoads,
            aggregate.ColdLoads == 0 ? 0 : aggregate.ColdLoadMicroseconds / 1000.0 / aggregate.ColdLoads,
            aggregate.CaptureDropped,
            [.. aggregate.ExecutionProviders],
            SloCheck.IsBreached(aggregate, slo),
            aggregate.Callers.Where(c => caller is null || c.Key == caller).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal),
            aggregate.PromptTokens,
            aggregate.CompletionTokens,
            Quantiles(aggregate.TimeToFirstToken),
            Quantiles(aggregate.TimePerOutputToken),
            aggregate.BatchCalls,
            aggregate.ModelFailures,
            aggregate.ShadowCalls,
            aggregate.ShadowDropped,
            aggregate.ShadowAgreement);
    }

    /// <summary>p50, p95 and max of a histogram in milliseconds; null when it holds nothing (not a generative model).</summary>
    private static Dictionary<string, double>? Quantiles(LatencyHistogram histogram) => histogram.Count == 0 ? null : new()
    {
        ["p50"] = histogram.Quantile(0.50).TotalMilliseconds,
        ["p95"] = histogram.Quantile(0.95).TotalMilliseconds,
        ["max"] = histogram.Max.TotalMilliseconds,
    };
}
