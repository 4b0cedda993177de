namespace Maas.Core.Monitoring;

/// <summary>What one aggregation run did.</summary>
/// <param name="DriftFlags">Tensor-hours of drift flagged among those written.</param>
/// <param name="Watermark">The last minute rolled up so far (inclusive).</param>
public sealed record AggregationResult(int MinuteRollups, int HourRollups, int RawRowsDeleted, int SloBreaches, int DriftFlags, DateTimeOffset Watermark);
