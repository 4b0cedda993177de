using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Monitoring;

/// <summary>
/// Merges closed minutes of every instance's raw rows into <c>MetricsRollup</c> at minute and hour grain, flags SLO
/// breaches, rolls up what other capabilities summarise for the same hours (<see cref="IHourlyRollup"/>), deletes raw rows
/// past retention, and lets the deciders on rolled-up minutes (<see cref="IRollupDecider"/>, rollouts) decide. Every rollup row is recomputed from its sources and replaced, and
/// the watermark moves only after the rows it covers are written: a re-run, or a run after a crash mid-way, gives the
/// same rows as one clean run, with nothing counted twice and no minute skipped.
/// </summary>
public sealed partial class MetricsAggregator(
    TableServiceClient tables,
    MetricsTables names,
    IHourlyRollup hourly,
    IEnumerable<IRollupDecider> deciders,
    IOptions<MonitoringOptions> options,
    TimeProvider clock,
    ILogger<MetricsAggregator> logger)
{
    /// <summary>Most minutes one run rolls up, so a long outage is caught up over several runs.</summary>
    public static readonly TimeSpan MaxSpanPerRun = TimeSpan.FromDays(1);

    public async Task<AggregationResult> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var raw = tables.GetTableClient(names.Raw);
        var rollup = tables.GetTableClient(names.Rollup);
        await raw.CreateIfNotExistsAsync(cancellationToken);
        await rollup.CreateIfNotExistsAsync(cancellationToken);

        var now = clock.GetUtcNow();
        var lastClosed = MetricsTables.LastClosedMinute(now, settings.FlushInterval);
        // The first run ever starts from what is both kept and coverable in one run.
        var firstSpan = settings.RawRetention < MaxSpanPerRun ? settings.RawRetention : MaxSpanPerRun;
        var watermark = await ReadWatermarkAsync(rollup, cancellationToken) ?? MetricsTables.MinuteOf(now - firstSpan).AddMinutes(-1);
        var until = lastClosed < watermark + MaxSpanPerRun ? lastClosed : watermark + MaxSpanPerRun;
        var rolledBefore = watermark;

        await hourly.PrepareAsync(now - (2 * settings.FlushInterval), cancellationToken);

        // Read before the minutes: a marker is written after its raw row, so every row it announces is read below.
        var markers = await ReadLateMarkersAsync(raw, cancellationToken);
        var (minutes, hours, breaches, flagged) = (0, 0, 0, 0);
        if (until > watermark)
        {
            var merged = await MergeRawAsync(raw, watermark, until, cancellationToken);
            foreach (var ((minute, model, version), aggregate) in merged)
            {
                breaches += await WriteRollupAsync(rollup, model, version, MetricsGrain.Minute, minute, aggregate, cancellationToken) ? 1 : 0;
            }

            var touched = merged.Keys.Select(k => (MetricsTables.HourOf(k.Minute), k.Model, k.Version)).Distinct().ToList();
            foreach (var (hour, model, version) in touched)
            {
                await WriteRollupAsync(rollup, model, version, MetricsGrain.Hour, hour, await MergeHourAsync(rollup, model, version, hour, cancellationToken), cancellationToken);
                hours++;
            }

            flagged += await hourly.RollUpAsync(touched, until, cancellationToken);

            minutes = merged.Count;
            await rollup.UpsertEntityAsync(
                new TableEntity(MetricsTables.WatermarkPartition, MetricsTables.WatermarkRow) { ["Minute"] = MetricsTables.TimeKey(until) },
                TableUpdateMode.Replace,
                cancellationToken);
            watermark = until;
        }

        var (lateMinutes, lateHours) = await RerollLateMinutesAsync(raw, rollup, markers, rolledBefore, watermark, cancellationToken);
        (minutes, hours) = (minutes + lateMinutes, hours + lateHours);
        var deleted = await DeleteExpiredRawAsync(raw, now - settings.RawRetention, watermark, cancellationToken);
        var decisions = 0;
        foreach (var decider in deciders)
        {
            decisions += await decider.DecideAsync(watermark, cancellationToken);
        }

        LogRun(logger, minutes, hours, deleted, watermark);
        return new AggregationResult(minutes, hours, deleted, breaches, flagged, watermark, decisions);
    }

    /// <summary>
    /// Minutes that an earlier run rolled up (at or before <paramref name="rolledBefore"/>, the watermark this run started
    /// from) and that an instance wrote late (its flushes failed meanwhile) are rolled up again from all their raw rows,
    /// with their hours; then the markers are deleted. A marker of a later minute needs nothing: this run rolled that
    /// minute up from its current rows, or a later run will when it closes. The hours' other rollups are merged again up to
    /// <paramref name="watermark"/>, the minutes rolled up so far.
    /// </summary>
    private async Task<(int Minutes, int Hours)> RerollLateMinutesAsync(
        TableClient raw, TableClient rollup, List<TableEntity> markers, DateTimeOffset rolledBefore, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        var late = markers.Select(m => MetricsTables.MinuteOfLateRow(m.RowKey)).Where(minute => minute <= rolledBefore).Distinct().ToList();
        var hours = new HashSet<(DateTimeOffset Hour, string Model, string Version)>();
        foreach (var minute in late)
        {
            var merged = await MergeRawAsync(raw, minute.AddMinutes(-1), minute, cancellationToken);
            foreach (var ((period, model, version), aggregate) in merged)
            {
                await WriteRollupAsync(rollup, model, version, MetricsGrain.Minute, period, aggregate, cancellationToken);
                hours.Add((MetricsTables.HourOf(period), model, version));
            }
        }

        foreach (var (hour, model, version) in hours)
        {
            await WriteRollupAsync(rollup, model, version, MetricsGrain.Hour, hour, await MergeHourAsync(rollup, model, version, hour, cancellationToken), cancellationToken);
        }

        await hourly.RollUpAsync(hours, watermark, cancellationToken);
        foreach (var marker in markers)
        {
            try
            {
                // Conditional: a marker written again meanwhile (a newer late write) stays for the next run.
                await raw.DeleteEntityAsync(marker.PartitionKey, marker.RowKey, marker.ETag, cancellationToken);
            }
            catch (RequestFailedException error) when (error.Status is 404 or 412)
            {
            }
        }

        if (late.Count > 0)
        {
            LogRerolled(logger, late.Count, hours.Count);
        }

        return (late.Count, hours.Count);
    }

    private static async Task<List<TableEntity>> ReadLateMarkersAsync(TableClient raw, CancellationToken cancellationToken)
    {
        var markers = new List<TableEntity>();
        await foreach (var marker in raw.QueryAsync<TableEntity>(e => e.PartitionKey == MetricsTables.LatePartition, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            markers.Add(marker);
        }

        return markers;
    }

    private static async Task<DateTimeOffset?> ReadWatermarkAsync(TableClient rollup, CancellationToken cancellationToken)
    {
        var row = await rollup.GetEntityIfExistsAsync<TableEntity>(MetricsTables.WatermarkPartition, MetricsTables.WatermarkRow, cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetString("Minute") is { } minute ? MetricsTables.ParseTimeKey(minute) : null;
    }

    /// <summary>Every instance's rows of the minutes in (<paramref name="after"/>, <paramref name="until"/>], merged per minute, model and version.</summary>
    private static async Task<Dictionary<(DateTimeOffset Minute, string Model, string Version), MetricsAggregate>> MergeRawAsync(
        TableClient raw, DateTimeOffset after, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<(DateTimeOffset, string, string), MetricsAggregate>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {MetricsTables.TimeKey(after)} and PartitionKey le {MetricsTables.TimeKey(until)}");
        await foreach (var entity in raw.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var key = (MetricsTables.ParseTimeKey(entity.PartitionKey), entity.GetString("Model"), entity.GetString("Version"));
            if (!merged.TryGetValue(key, out var aggregate))
            {
                merged[key] = aggregate = new MetricsAggregate();
            }

            aggregate.Merge(MetricsAggregate.ReadFrom(entity));
        }

        return merged;
    }

    /// <summary>The hour, recomputed from all of its minute rollups (those of earlier runs included).</summary>
    private static async Task<MetricsAggregate> MergeHourAsync(TableClient rollup, string model, string version, DateTimeOffset hour, CancellationToken cancellationToken)
    {
        var hourly = new MetricsAggregate();
        await foreach (var minute in MetricsTables.ReadMinutesAsync(rollup, model, hour, hour.AddHours(1), cancellationToken))
        {
            if (minute.Version == version)
            {
                hourly.Merge(minute.Figures);
            }
        }

        return hourly;
    }

    /// <summary>Replaces one rollup row; returns whether it breaks an SLO (a minute breach is logged as a warning).</summary>
    private async Task<bool> WriteRollupAsync(
        TableClient rollup, string model, string version, MetricsGrain grain, DateTimeOffset period, MetricsAggregate aggregate, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var breached = SloCheck.IsBreached(aggregate, settings);
        var p95 = aggregate.Latency.Quantile(0.95);
        var errorRate = SloCheck.ErrorRate(aggregate);
        var entity = new TableEntity(MetricsTables.RollupPartition(model, grain), MetricsTables.RollupRowKey(period, version))
        {
            ["Model"] = model,
            ["Version"] = version,
            ["Grain"] = grain.ToString(),
            ["PeriodStart"] = period,
            ["P95Milliseconds"] = p95.TotalMilliseconds,
            ["ErrorRate"] = errorRate,
            ["SloBreached"] = breached,
        };
        aggregate.WriteTo(entity);
        await rollup.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        if (breached && grain == MetricsGrain.Minute)
        {
            LogSloBreached(logger, model, version, period, p95.TotalMilliseconds, settings.SloP95Latency.TotalMilliseconds, errorRate, settings.SloErrorRate);
        }

        return breached;
    }

    /// <summary>
    /// Deletes raw rows (metrics and the hourly rollup's) older than <paramref name="cutoff"/>, and only ones already rolled up (at or
    /// before <paramref name="watermark"/>); returns the metrics rows deleted.
    /// </summary>
    private async Task<int> DeleteExpiredRawAsync(TableClient raw, DateTimeOffset cutoff, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        var before = MetricsTables.MinuteOf(cutoff) <= watermark ? MetricsTables.MinuteOf(cutoff) : watermark.AddMinutes(1);
        await hourly.DeleteRawBeforeAsync(before, cancellationToken);
        return await MetricsTables.DeleteMinutesBeforeAsync(raw, before, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics aggregation wrote {MinuteRollups} minute and {HourRollups} hour rollups, deleted {RawRowsDeleted} raw rows; watermark {Watermark}")]
    private static partial void LogRun(ILogger logger, int minuteRollups, int hourRollups, int rawRowsDeleted, DateTimeOffset watermark);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics aggregation rolled up {LateMinutes} minutes again after late writes ({HourRollups} hour rollups)")]
    private static partial void LogRerolled(ILogger logger, int lateMinutes, int hourRollups);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} broke its SLO in the minute from {Minute}: p95 {P95Milliseconds} ms (SLO {SloP95Milliseconds} ms), error rate {ErrorRate} (SLO {SloErrorRate})")]
    private static partial void LogSloBreached(ILogger logger, string modelName, string modelVersion, DateTimeOffset minute, double p95Milliseconds, double sloP95Milliseconds, double errorRate, double sloErrorRate);
}
