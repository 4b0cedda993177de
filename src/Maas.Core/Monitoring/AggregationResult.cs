namespace Maas.Core.Monitoring;

/// <summary>What one aggregation run did.</summary>
/// <param name="Watermark">The last minute rolled up so far (inclusive).</param>
public sealed record AggregationResult(int MinuteRollups, int HourRollups, int RawRowsDeleted, int SloBreaches, DateTimeOffset Watermark);
