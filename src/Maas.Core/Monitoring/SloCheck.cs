namespace Maas.Core.Monitoring;

/// <summary>Whether an aggregate breaks the configured SLOs: p95 latency, or the error rate of failures the service owns.</summary>
public static class SloCheck
{
    public static double ErrorRate(MetricsAggregate aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return aggregate.Requests == 0 ? 0 : (double)aggregate.ServiceErrors / aggregate.Requests;
    }

    public static bool IsBreached(MetricsAggregate aggregate, MonitoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(options);
        return aggregate.Requests > 0 && (aggregate.Latency.Quantile(0.95) > options.SloP95Latency || ErrorRate(aggregate) > options.SloErrorRate);
    }
}
