using System.Globalization;
using Azure.Data.Tables;
using Maas.Core.Capture;
using Maas.Core.Health;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Drift;

/// <summary>
/// The background half of drift: summarises each sampled call into this instance's per-minute summaries (per model,
/// version and tensor, one <see cref="DriftSummary"/> per feature over the baseline's bins), and every
/// <c>Monitoring:FlushInterval</c> (and at shutdown) replaces this instance's rows of the minutes that changed in
/// <c>DriftRaw</c>, so a retried flush never double counts. A minute written after the rollup may have closed it leaves
/// the same late marker a metrics row does, and the rollup merges its hour again. Calls made after a live baseline window
/// closed and before the rollup built its baseline wait here (at most <c>Drift:QueueCapacity</c>, the oldest dropped and
/// counted) and are summarised into their own minutes once a call arrives with the baseline. While flushes fail it keeps
/// at most <c>Monitoring:MaxBufferedMinutes</c> unwritten summaries (minute × version × tensor): the oldest are dropped and
/// counted (<c>maas.drift.dropped_minutes</c>).
/// </summary>
public sealed partial class DriftRecorder(
    DriftObserver observer,
    DriftBaselineStore baselines,
    TableServiceClient tables,
    DriftTables names,
    MetricsInstance instance,
    DependencyHealth health,
    IOptions<MonitoringOptions> options,
    TimeProvider clock,
    ILogger<DriftRecorder> logger)
    : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<MinuteKey, DriftSummary[]> _minutes = [];
    private readonly HashSet<MinuteKey> _unwritten = [];
    private readonly Dictionary<(string Model, long Version), LiveSample> _live = [];
    private readonly LinkedList<DriftObservation> _waiting = [];
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private bool _tableReady;
    private long _droppedMinutes;

    private static readonly System.Diagnostics.Metrics.Counter<long> DroppedMinutesCounter = MaasTelemetry.Meter.CreateCounter<long>(
        "maas.drift.dropped_minutes", description: "Per-minute drift summaries dropped unwritten because flushes kept failing (Monitoring:MaxBufferedMinutes).");

    /// <summary>Per-minute summaries dropped unwritten since start, because flushes kept failing past <c>Monitoring:MaxBufferedMinutes</c>.</summary>
    public long DroppedMinutes => Interlocked.Read(ref _droppedMinutes);

    /// <summary>Sampled calls waiting for their version's live baseline.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Summarises every queued call, then writes the minutes that changed. Throws the storage fault when a write fails (the minutes stay unwritten).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            while (observer.Reader.TryRead(out var observation))
            {
                await SummariseAsync(observation, cancellationToken);
            }

            List<(MinuteKey Key, byte[] Summary)> changed;
            lock (_gate)
            {
                DropOldestBeyondLimit();
                changed = [.. _unwritten.Select(key => (key, DriftSummaryCodec.Encode(_minutes[key])))];
                _unwritten.Clear();
            }

            try
            {
                await WriteAsync(changed, cancellationToken);
                await WriteLiveSamplesAsync(cancellationToken);
            }
            catch
            {
                lock (_gate)
                {
                    _unwritten.UnionWith(changed.Select(entry => entry.Key).Where(_minutes.ContainsKey));
                }

                throw;
            }

            Forget();
        }
        finally
        {
            _flushing.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushSafelyAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(SummariseQueuedAsync(stoppingToken), FlushLoop.RunAsync(options.Value.FlushInterval, clock, FlushSafelyAsync, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync writes what is left.
        }
    }

    private async Task SummariseQueuedAsync(CancellationToken stoppingToken)
    {
        await foreach (var observation in observer.Reader.ReadAllAsync(stoppingToken))
        {
            await SummariseAsync(observation, stoppingToken);
        }
    }

    private async Task FlushSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception error) when (StorageFaults.IsTransient(error) || error is Azure.RequestFailedException or OperationCanceledException)
        {
            health.ReportFailure(DependencyHealth.Storage, "drift flush");
            LogFlushFailed(logger, error.GetType().Name, error.Message);
        }
    }

    /// <summary>
    /// Adds one sampled call to its minute's summaries (first those of its version that waited for the baseline); a call
    /// that cannot be summarised is counted and dropped, never thrown.
    /// </summary>
    private async Task SummariseAsync(DriftObservation observation, CancellationToken cancellationToken)
    {
        var model = observation.Model;
        var kept = false;
        try
        {
            var prediction = PredictionClasses.For(model.Config, model.Outputs);
            if (model.DriftBaseline is not { BlobPath.Length: > 0 } stored)
            {
                if (Collect(observation, prediction))
                {
                    return;
                }

                kept = AwaitsLiveBaseline(observation);
                if (kept)
                {
                    Wait(observation);
                }
                else
                {
                    observer.CountDropped(model, "no_baseline");
                }

                return;
            }

            if (await baselines.GetAsync(stored.BlobPath, cancellationToken) is not { } baseline)
            {
                observer.CountDropped(model, "no_baseline");
                return;
            }

            foreach (var waited in TakeWaiting(model))
            {
                try
                {
                    Summarise(waited with { Model = model }, baseline, prediction);
                }
                finally
                {
                    waited.Release();
                }
            }

            Summarise(observation, baseline, prediction);
        }
        catch (Exception error) when (error is not (OutOfMemoryException or OperationCanceledException) && !StorageFaults.IsTransient(error) && error is not Azure.RequestFailedException)
        {
            LogSummariseFailed(logger, model.Name, model.Version, error.GetType().Name);
            observer.CountDropped(model, "summarise_failed");
        }
        catch (Exception error) when (StorageFaults.IsTransient(error) || error is Azure.RequestFailedException)
        {
            // The baseline could not be read now: this call is lost to drift, the next ones try again.
            observer.CountDropped(model, "baseline_unavailable");
        }
        finally
        {
            if (!kept)
            {
                observation.Release();
            }
        }
    }

    /// <summary>Adds a call's values to the summaries of its minute, one per feature of each tensor <paramref name="baseline"/> covers.</summary>
    private void Summarise(DriftObservation observation, DriftBaseline baseline, PredictionClasses? prediction)
    {
        var minute = MetricsTables.MinuteOf(observation.Time);
        var version = observation.Model.Version.ToString(CultureInfo.InvariantCulture);
        foreach (var tensor in baseline.Tensors)
        {
            if (ValuesOf(observation, tensor, prediction) is not { } values)
            {
                continue;
            }

            lock (_gate)
            {
                var key = new MinuteKey(minute, observation.Model.Name, version, tensor.Side, tensor.Name);
                if (!_minutes.TryGetValue(key, out var features))
                {
                    _minutes[key] = features = [.. tensor.Features.Select(f => new DriftSummary(f.Edges.Length + 1))];
                }

                for (var i = 0; i < values.Values.Length; i++)
                {
                    var feature = values.Layout.FeatureOf(i);
                    features[feature].Add(values.Values[i], tensor.Features[feature].Edges);
                }

                _unwritten.Add(key);
            }
        }
    }

    /// <summary>Whether the call came after its version's live window closed, before any baseline was built from it.</summary>
    private static bool AwaitsLiveBaseline(DriftObservation observation)
        => observation.Model.Config.Drift is { } drift && drift.AfterLiveWindow(observation.Time) && observation.Model.DriftBaseline is null;

    /// <summary>Keeps a call until its version's baseline lands; beyond <c>Drift:QueueCapacity</c> waiting calls the oldest is dropped and counted.</summary>
    private void Wait(DriftObservation observation)
    {
        DriftObservation? dropped = null;
        lock (_gate)
        {
            if (_waiting.Count >= observer.Capacity)
            {
                dropped = _waiting.First!.Value;
                _waiting.RemoveFirst();
            }

            _waiting.AddLast(observation);
        }

        if (dropped is not null)
        {
            dropped.Release();
            observer.CountDropped(dropped.Model, "waiting_full");
        }
    }

    /// <summary>The calls of <paramref name="model"/>'s version that waited for its baseline, oldest first, no longer held here.</summary>
    private DriftObservation[] TakeWaiting(ModelVersionRecord model)
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                return [];
            }

            DriftObservation[] taken = [.. _waiting.Where(waiting => waiting.Model.Name == model.Name && waiting.Model.Version == model.Version)];
            foreach (var waiting in taken)
            {
                _waiting.Remove(waiting);
            }

            return taken;
        }
    }

    /// <summary>Keeps at most <c>Monitoring:MaxBufferedMinutes</c> unwritten summaries: the oldest go first, counted. Called under the lock.</summary>
    private void DropOldestBeyondLimit()
    {
        var excess = UnwrittenMinutes.DropOldest(_unwritten, _minutes, key => key.Minute, options.Value.MaxBufferedMinutes);
        if (excess == 0)
        {
            return;
        }

        Interlocked.Add(ref _droppedMinutes, excess);
        DroppedMinutesCounter.Add(excess);
        LogDroppedMinutes(logger, instance.Id, excess, options.Value.MaxBufferedMinutes);
    }

    /// <summary>
    /// Adds a call sampled in its version's live baseline window to this instance's sample of the window; false when the
    /// call is not in a window.
    /// </summary>
    private bool Collect(DriftObservation observation, PredictionClasses? prediction)
    {
        var model = observation.Model;
        if (model.Config.Drift is not { } drift || !drift.InLiveWindow(observation.Time))
        {
            return false;
        }

        var read = observation.Inputs.Select(t => (DriftSide.Input, t)).Concat(observation.Outputs.Select(t => (DriftSide.Output, t)))
            .Select(pair => (Side: pair.Item1, Tensor: pair.t, Values: ElementReader.Read(pair.t.ElementType, pair.t.Numbers.Span)))
            .ToList();
        lock (_gate)
        {
            if (!_live.TryGetValue((model.Name, model.Version), out var sample))
            {
                _live[(model.Name, model.Version)] = sample = new LiveSample(model, drift, new BaselineCollector(drift.Features, Random.Shared.Next(), DriftBaselineStore.LiveKeptValues));
            }

            sample.Collector.Rows += observation.Inputs is [var first, ..] ? RowsOf(first) : 1;
            foreach (var (side, tensor, values) in read)
            {
                sample.Collector.Add(side, tensor.Name, tensor.Shape, values);
                if (side == DriftSide.Output && prediction?.Output == tensor.Name)
                {
                    sample.Collector.AddPredictions(prediction, prediction.Classify(values, RowsOf(tensor)));
                }
            }

            sample.Unwritten = true;
        }

        return true;
    }

    /// <summary>Writes this instance's live samples that changed; forgets those whose window closed and are written.</summary>
    private async Task WriteLiveSamplesAsync(CancellationToken cancellationToken)
    {
        List<(LiveSample Sample, byte[] Bytes)> changed;
        lock (_gate)
        {
            changed = [.. _live.Values.Where(sample => sample.Unwritten).Select(sample => (sample, sample.Collector.ToBytes()))];
            changed.ForEach(entry => entry.Sample.Unwritten = false);
        }

        foreach (var (sample, bytes) in changed)
        {
            try
            {
                await baselines.SaveLiveSampleAsync(sample.Model, sample.Config, instance.Id, bytes, cancellationToken);
            }
            catch
            {
                lock (_gate)
                {
                    sample.Unwritten = true;
                }

                throw;
            }
        }

        var closed = clock.GetUtcNow() - (2 * options.Value.FlushInterval);
        lock (_gate)
        {
            foreach (var key in _live.Where(entry => !entry.Value.Unwritten && entry.Value.Config.BaselineTo < closed).Select(entry => entry.Key).ToList())
            {
                _live.Remove(key);
            }
        }
    }

    /// <summary>
    /// The call's values of one baseline tensor and how they group into its features; null when the call has no such
    /// tensor or its shape groups into other features than the baseline's.
    /// </summary>
    private static (double[] Values, DriftLayout Layout)? ValuesOf(DriftObservation observation, TensorBaseline tensor, PredictionClasses? prediction)
    {
        var source = (tensor.Side == DriftSide.Input ? observation.Inputs : observation.Outputs).FirstOrDefault(t => t.Name == tensor.Name);
        if (source is null)
        {
            return null;
        }

        var values = ElementReader.Read(source.ElementType, source.Numbers.Span);
        if (tensor.Side == DriftSide.Prediction)
        {
            if (prediction is null)
            {
                return null;
            }

            return (prediction.Classify(values, RowsOf(source)), DriftLayout.WholeTensor);
        }

        var layout = DriftLayout.For(source.Shape, tensor.Granularity);
        return layout.Features == tensor.Features.Count ? (values, layout) : null;
    }

    /// <summary>The rows of a copied tensor: its first dimension (one for a scalar).</summary>
    private static long RowsOf(CapturedTensor tensor) => tensor.Shape.Length > 0 ? tensor.Shape[0] : 1;

    private async Task WriteAsync(List<(MinuteKey Key, byte[] Summary)> changed, CancellationToken cancellationToken)
    {
        if (changed.Count == 0)
        {
            return;
        }

        var table = tables.GetTableClient(names.Raw);
        if (!_tableReady)
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }

        var lateBefore = MetricsTables.LateBefore(clock.GetUtcNow(), options.Value.FlushInterval);
        foreach (var (key, summary) in changed)
        {
            var entity = new TableEntity(MetricsTables.TimeKey(key.Minute), DriftTables.RawRowKey(key.Model, key.Version, instance.Id, key.Side, key.Tensor))
            {
                ["Model"] = key.Model,
                ["Version"] = key.Version,
                ["Instance"] = instance.Id,
                ["Side"] = key.Side,
                ["Tensor"] = key.Tensor,
            };
            DriftSummaryCodec.WriteColumns(entity, DriftSummaryCodec.SummaryColumn, summary);
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            if (key.Minute < lateBefore)
            {
                await tables.GetTableClient(names.Raw).UpsertEntityAsync(MetricsTables.LateMarker(key.Minute, key.Model, key.Version, instance.Id), TableUpdateMode.Replace, cancellationToken);
            }
        }

        health.ReportSuccess(DependencyHealth.Storage);
    }

    /// <summary>Forgets written minutes no late call can still reach (as the metrics recorder does).</summary>
    private void Forget()
    {
        var forgetBefore = MetricsTables.LastClosedMinute(clock.GetUtcNow(), options.Value.FlushInterval);
        lock (_gate)
        {
            foreach (var key in _minutes.Keys.Where(k => k.Minute < forgetBefore && !_unwritten.Contains(k)).ToList())
            {
                _minutes.Remove(key);
            }
        }
    }

    public override void Dispose()
    {
        lock (_gate)
        {
            foreach (var waiting in _waiting)
            {
                waiting.Release();
            }

            _waiting.Clear();
        }

        _flushing.Dispose();
        base.Dispose();
    }

    /// <summary>What this instance sampled of a version's live baseline window.</summary>
    private sealed record LiveSample(ModelVersionRecord Model, DriftConfig Config, BaselineCollector Collector)
    {
        public bool Unwritten { get; set; }
    }

    private readonly record struct MinuteKey(DateTimeOffset Minute, string Model, string Version, string Side, string Tensor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId} dropped {DroppedMinutes} unwritten drift summaries: flushes kept failing and Monitoring:MaxBufferedMinutes is {MaxBufferedMinutes}")]
    private static partial void LogDroppedMinutes(ILogger logger, string instanceId, int droppedMinutes, int maxBufferedMinutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift flush failed; the summaries are kept for the next flush: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogFlushFailed(ILogger logger, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "Summarising a sampled call of {ModelName} version {ModelVersion} for drift failed ({ExceptionType}); the call is left out")]
    private static partial void LogSummariseFailed(ILogger logger, string modelName, long modelVersion, string exceptionType);
}
