using System.Globalization;
using Azure.Data.Tables;

namespace Maas.Core.Monitoring;

/// <summary>
/// The monitoring tables and their keys. <c>MetricsRaw</c>: PartitionKey = minute, RowKey = model|version|instance
/// (each instance replaces only its own rows). <c>MetricsRollup</c>: PartitionKey = model|grain, RowKey = period
/// start|version, plus one watermark row. The names are fixed in production; tests give each run tables of its own.
/// </summary>
public sealed record MetricsTables(string Raw, string Rollup)
{
    public static MetricsTables Default { get; } = new("MetricsRaw", "MetricsRollup");

    public const string WatermarkPartition = "_watermark";

    /// <summary>
    /// The raw table's partition of late-write markers: an instance that writes a minute the rollup may already have
    /// closed (a flush retried after an outage) leaves one, and the next rollup run re-rolls that minute. Letters sort
    /// after the digit minute keys, so no minute query or retention delete ever reads it.
    /// </summary>
    public const string LatePartition = "late";
    public const string WatermarkRow = "minute";
    private const string TimeFormat = "yyyyMMddHHmm";

    public static DateTimeOffset MinuteOf(DateTimeOffset time) => new(time.Year, time.Month, time.Day, time.Hour, time.Minute, 0, TimeSpan.Zero);

    public static DateTimeOffset HourOf(DateTimeOffset time) => new(time.Year, time.Month, time.Day, time.Hour, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The last minute every instance has flushed by <paramref name="now"/>: a flush interval after it ends, doubled for
    /// safety. The rollup closes minutes up to it; a recorder keeps a written minute until then, as a late call of it
    /// could still be queued.
    /// </summary>
    public static DateTimeOffset LastClosedMinute(DateTimeOffset now, TimeSpan flushInterval) => MinuteOf(now - (2 * flushInterval)).AddMinutes(-1);

    /// <summary>A minute normally reaches storage within a flush interval of its end: one before this, written now, is a late write.</summary>
    public static DateTimeOffset LateBefore(DateTimeOffset now, TimeSpan flushInterval) => MinuteOf(now - flushInterval).AddMinutes(-1);

    /// <summary>The marker (in the raw table) an instance leaves after a late write, asking the rollup to roll the minute up again.</summary>
    public static TableEntity LateMarker(DateTimeOffset minute, string model, string version, string instance) => new(LatePartition, LateRowKey(minute, model, version, instance));

    public static string TimeKey(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimeKey(string key)
        => DateTimeOffset.ParseExact(key, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static string RawRowKey(string model, string version, string instance) => $"{model}|{version}|{instance}";

    public static string LateRowKey(DateTimeOffset minute, string model, string version, string instance) => $"{TimeKey(minute)}|{model}|{version}|{instance}";

    /// <summary>The minute a late-write marker names.</summary>
    public static DateTimeOffset MinuteOfLateRow(string rowKey) => ParseTimeKey(rowKey[..TimeFormat.Length]);

    public static string RollupPartition(string model, MetricsGrain grain) => $"{model}|{grain.ToString().ToLowerInvariant()}";

    public static string RollupRowKey(DateTimeOffset period, string version) => $"{TimeKey(period)}|{version}";

    /// <summary>A model's minute rollups from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), every version: each minute, version and its figures merged across instances.</summary>
    public static async IAsyncEnumerable<(DateTimeOffset Minute, string Version, MetricsAggregate Figures)> ReadMinutesAsync(
        TableClient rollup, string model, DateTimeOffset from, DateTimeOffset to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {RollupPartition(model, MetricsGrain.Minute)} and RowKey ge {TimeKey(from)} and RowKey lt {TimeKey(to)}");
        await foreach (var entity in rollup.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return (ParseTimeKey(entity.RowKey[..TimeFormat.Length]), entity.GetString("Version") ?? string.Empty, MetricsAggregate.ReadFrom(entity));
        }
    }

    /// <summary>Deletes the rows of a minute-partitioned table (metrics' or another rollup's raw table) before <paramref name="before"/>; returns how many.</summary>
    public static async Task<int> DeleteMinutesBeforeAsync(TableClient raw, DateTimeOffset before, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var deleted = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey lt {TimeKey(before)}");
        await foreach (var entity in raw.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            await raw.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, Azure.ETag.All, cancellationToken);
            deleted++;
        }

        return deleted;
    }
}
