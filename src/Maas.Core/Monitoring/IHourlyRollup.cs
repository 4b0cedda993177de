namespace Maas.Core.Monitoring;

/// <summary>
/// What another capability that records per-minute summaries rolls up with the metrics, for the same hours and under
/// the same watermark. Kept behind this interface so that monitoring depends on no capability.
/// </summary>
public interface IHourlyRollup
{
    /// <summary>Work due before the run's hours, given that every instance has flushed what it had before <paramref name="closedBefore"/>.</summary>
    Task PrepareAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken);

    /// <summary>Rolls up each (hour, model, version) over its minutes up to <paramref name="until"/>; returns how many it flagged.</summary>
    Task<int> RollUpAsync(IEnumerable<(DateTimeOffset Hour, string Model, string Version)> hours, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Deletes its raw rows of minutes before <paramref name="before"/>, all of them already rolled up.</summary>
    Task DeleteRawBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}

/// <summary>
/// What decides on the minutes once they are rolled up (a rollout's gates), after every aggregation run, under the same
/// watermark. Kept behind this interface so that monitoring depends on no capability.
/// </summary>
public interface IRollupDecider
{
    /// <summary>Decides on the rolled-up minutes up to <paramref name="watermark"/> (inclusive); returns the decisions written.</summary>
    Task<int> DecideAsync(DateTimeOffset watermark, CancellationToken cancellationToken);
}
