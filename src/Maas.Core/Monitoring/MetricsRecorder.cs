using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Monitoring;

/// <summary>
/// Records every prediction of this instance. The request path only enqueues (lock-free, no I/O); <see cref="FlushAsync"/>
/// folds the queue into per-minute aggregates and replaces this instance's rows in <c>MetricsRaw</c>, so a retried
/// flush never double counts.
/// </summary>
public sealed partial class MetricsRecorder(
    TableServiceClient tables,
    MetricsTables names,
    MetricsInstance instance,
    IOptions<MonitoringOptions> options,
    TimeProvider clock,
    ILogger<MetricsRecorder> logger) : IDisposable
{
    private readonly ConcurrentQueue<PredictionRecord> _pending = new();
    private readonly Dictionary<MinuteKey, MetricsAggregate> _minutes = [];
    private readonly HashSet<MinuteKey> _unwritten = [];
    private static readonly Counter<long> DroppedMinutes = MaasTelemetry.Meter.CreateCounter<long>(
        "maas.metrics.dropped_minutes", description: "Per-minute aggregates dropped unwritten because flushes kept failing (Monitoring:MaxBufferedMinutes).");

    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _pendingCount;
    private bool _tableReady;
    private long _dropped;

    public MetricsInstance Instance => instance;

    /// <summary>Per-minute aggregates dropped unwritten since start, because flushes kept failing past <c>Monitoring:MaxBufferedMinutes</c>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Records waiting beyond which the caller that adds one folds the queue into the minutes (no I/O), so a fast
    /// producer (a batch's lines) holds aggregates, not one record per call, until the next flush.
    /// </summary>
    public const int FoldThreshold = 4096;

    /// <summary>Records queued and not yet folded into the minutes.</summary>
    internal int Pending => Volatile.Read(ref _pendingCount);

    public void Record(in PredictionRecord record)
    {
        _pending.Enqueue(record);
        PredictionInstruments.Record(record);
        if (Interlocked.Increment(ref _pendingCount) >= FoldThreshold && _flushing.Wait(0))
        {
            try
            {
                FoldPending();
            }
            finally
            {
                _flushing.Release();
            }
        }
    }

    /// <summary>Writes every minute that changed since the last flush; forgets minutes long closed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            FoldPending();
            DropOldestBeyondLimit();
            if (_unwritten.Count > 0)
            {
                await WriteUnwrittenAsync(cancellationToken);
            }

            // A minute stays while a late record of it could still be queued (up to a flush interval after it ends).
            var forgetBefore = MetricsTables.LastClosedMinute(clock.GetUtcNow(), options.Value.FlushInterval);
            foreach (var key in _minutes.Keys.Where(k => k.Minute < forgetBefore && !_unwritten.Contains(k)).ToList())
            {
                _minutes.Remove(key);
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Keeps at most <c>Monitoring:MaxBufferedMinutes</c> unwritten aggregates: the oldest go first, counted.</summary>
    private void DropOldestBeyondLimit()
    {
        var excess = UnwrittenMinutes.DropOldest(_unwritten, _minutes, key => key.Minute, options.Value.MaxBufferedMinutes);
        if (excess == 0)
        {
            return;
        }

        Interlocked.Add(ref _dropped, excess);
        DroppedMinutes.Add(excess);
        LogDropped(logger, instance.Id, excess, options.Value.MaxBufferedMinutes);
    }

    private async Task WriteUnwrittenAsync(CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(names.Raw);
        if (!_tableReady)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }

        var lateBefore = MetricsTables.LateBefore(clock.GetUtcNow(), options.Value.FlushInterval);
        foreach (var key in _unwritten.ToList())
        {
            var entity = new TableEntity(MetricsTables.TimeKey(key.Minute), MetricsTables.RawRowKey(key.Model, key.Version, instance.Id))
            {
                ["Model"] = key.Model,
                ["Version"] = key.Version,
                ["Instance"] = instance.Id,
            };
            _minutes[key].WriteTo(entity);
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            if (key.Minute < lateBefore)
            {
                // The rollup may have closed this minute while storage was failing: ask it to roll the minute up again.
                await table.UpsertEntityAsync(MetricsTables.LateMarker(key.Minute, key.Model, key.Version, instance.Id), TableUpdateMode.Replace, cancellationToken);
            }

            _unwritten.Remove(key);
        }

        LogFlushed(logger, instance.Id, _minutes.Count);
    }

    /// <summary>Moves the queued records into their minutes' aggregates; the caller holds <c>_flushing</c>.</summary>
    private void FoldPending()
    {
        while (_pending.TryDequeue(out var record))
        {
            Interlocked.Decrement(ref _pendingCount);
            var key = new MinuteKey(MetricsTables.MinuteOf(record.Timestamp), record.Model, record.Version);
            if (!_minutes.TryGetValue(key, out var aggregate))
            {
                _minutes[key] = aggregate = new MetricsAggregate();
            }

            aggregate.Add(record);
            _unwritten.Add(key);
        }
    }

    public void Dispose() => _flushing.Dispose();

    private readonly record struct MinuteKey(DateTimeOffset Minute, string Model, string Version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId} dropped {DroppedMinutes} unwritten minute aggregates: flushes kept failing past Monitoring:MaxBufferedMinutes ({MaxBufferedMinutes})")]
    private static partial void LogDropped(ILogger logger, string instanceId, int droppedMinutes, int maxBufferedMinutes);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceId} flushed its metrics ({OpenMinutes} minute aggregates held)")]
    private static partial void LogFlushed(ILogger logger, string instanceId, int openMinutes);
}
