using Maas.Core.Monitoring;

namespace Maas.Core.Rollout;

/// <summary>
/// One minute of a rollout's version on one instance, mergeable exactly with the other instances' minutes: its calls,
/// those it failed, its latencies (a mergeable histogram) and, for a shadow, the calls compared with the default's
/// answer and those that agreed.
/// </summary>
public sealed class RolloutMinute
{
    public long Requests { get; private set; }

    public long Failed { get; private set; }

    public long Compared { get; private set; }

    public long Agreed { get; private set; }

    public LatencyHistogram Latency { get; private set; } = new();

    /// <summary>Counts one call: whether the version failed it, how long it took, and (for a shadow) whether its answer agreed; null when not compared.</summary>
    public void Add(bool failed, TimeSpan latency, bool? agreed = null)
    {
        Requests++;
        Failed += failed ? 1 : 0;
        Latency.Record(latency);
        if (agreed is { } agrees)
        {
            Compared++;
            Agreed += agrees ? 1 : 0;
        }
    }

    /// <summary>Adds another instance's same minute.</summary>
    public void Merge(RolloutMinute other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Requests += other.Requests;
        Failed += other.Failed;
        Compared += other.Compared;
        Agreed += other.Agreed;
        Latency.Add(other.Latency);
    }

    /// <summary>The minute's figures for the gates; <paramref name="driftPsi"/> from drift's rollup when configured.</summary>
    public RolloutFigures ToFigures(DateTimeOffset minute, double? driftPsi = null)
        => new(minute, Requests, Failed, Latency.Quantile(0.95).TotalMilliseconds, driftPsi, Compared == 0 ? null : (double)Agreed / Compared);
}
