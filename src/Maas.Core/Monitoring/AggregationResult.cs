namespace Maas.Core.Monitoring;

/// <summary>What one aggregation run did.</summary>
/// <param name="HourlyFlags">What the other hourly rollups (<see cref="IHourlyRollup"/>) flagged among the hours written.</param>
/// <param name="Watermark">The last minute rolled up so far (inclusive).</param>
/// <param name="Decisions">What the deciders on rolled-up minutes (<see cref="IRollupDecider"/>, rollouts) wrote.</param>
public sealed record AggregationResult(int MinuteRollups, int HourRollups, int RawRowsDeleted, int SloBreaches, int HourlyFlags, DateTimeOffset Watermark, int Decisions = 0);
