namespace Maas.Core.Monitoring;

/// <summary>
/// What the metrics rollup also rolls up, for the same hours and under the same watermark: drift
/// (<c>Drift/DriftAggregator</c>). Kept behind this interface so that the rollup does not depend on drift.
/// </summary>
public interface IHourlyRollup
{
    /// <summary>Work due before the run's hours, given that every instance has flushed what it had before <paramref name="closedBefore"/>.</summary>
    Task PrepareAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken);

    /// <summary>Rolls up each (hour, model, version) over its minutes up to <paramref name="until"/>; returns how many were flagged.</summary>
    Task<int> RollUpAsync(IEnumerable<(DateTimeOffset Hour, string Model, string Version)> hours, DateTimeOffset until, CancellationToken cancellationToken);
}
