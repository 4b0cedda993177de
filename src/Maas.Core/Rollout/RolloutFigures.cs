using Maas.Core.Monitoring;

namespace Maas.Core.Rollout;

/// <summary>
/// What a rollout's version did in one closed window, merged over every instance: calls, the calls it failed (a 5xx,
/// or a 4xx from running the model; never auth or throttling), its p95, the drift PSI of its inputs (the largest over
/// features, for an hour of drift) and, for a shadow, the share of its compared outputs that agreed with the default's.
/// </summary>
public sealed record RolloutFigures(DateTimeOffset Minute, long Requests, long Failed, double P95Ms, double? DriftPsi = null, double? Agreement = null)
{
    public double ErrorRate => Requests == 0 ? 0 : (double)Failed / Requests;

    /// <summary>A minute of the version as the metrics rollup merged it (every instance's calls, shadow copies included).</summary>
    public static RolloutFigures Of(DateTimeOffset minute, MetricsAggregate aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return new(
            minute,
            aggregate.Requests,
            aggregate.ModelFailures,
            aggregate.Latency.Quantile(0.95).TotalMilliseconds,
            Agreement: aggregate.ShadowAgreement);
    }

    /// <summary>An hour of drift: no calls counted here (the minutes count them), only the largest PSI over the version's features.</summary>
    public static RolloutFigures OfDrift(DateTimeOffset hour, double psi) => new(hour, 0, 0, 0, DriftPsi: psi);
}
