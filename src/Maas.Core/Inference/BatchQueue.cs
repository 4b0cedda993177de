using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Maas.Core.Errors;
using Maas.Core.Registry;

namespace Maas.Core.Inference;

/// <summary>
/// The dynamic batching queue of one model version. A batch starts with the oldest waiting request. When nothing of the
/// model is running it runs at once; otherwise it takes every compatible request that arrives while no run slot is free,
/// and up to <c>maxQueueDelayMs</c> after its oldest request while one is, up to <c>maxBatchSize</c> rows (or stops
/// early at a preferred batch size); it then runs once and each request gets its own rows back. The queue is bounded: a full
/// queue answers 429. A failed run fails each of its requests with the same error.
/// </summary>
internal sealed class BatchQueue : IDisposable
{
    /// <summary>Batches of one model running at once; more wait for a slot, which keeps ONNX Runtime's threads from fighting.</summary>
    private const int MaxConcurrentRuns = 2;

    private readonly ModelVersionRecord _model;
    private readonly SessionCache _sessions;
    private readonly Channel<Pending> _channel;
    private readonly SemaphoreSlim _runSlots = new(MaxConcurrentRuns);
    private readonly int _maxRows;
    private readonly TimeSpan _delay;
    private readonly HashSet<int> _preferred;
    private int _running;
    private TaskCompletionSource _runFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BatchQueue(ModelVersionRecord model, SessionCache sessions)
    {
        _model = model;
        _sessions = sessions;
        var batching = model.Config.DynamicBatching!;
        _maxRows = model.Config.MaxBatchSize ?? 1;
        _delay = TimeSpan.FromMilliseconds(batching.MaxQueueDelayMs);
        _preferred = [.. batching.PreferredBatchSizes];
        _channel = Channel.CreateBounded<Pending>(new BoundedChannelOptions(batching.QueueCapacity(_maxRows)) { SingleReader = true });
        _ = Task.Run(FormBatchesAsync);
    }

    public Task<BatchedRun> EnqueueAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        var pending = new Pending(request, Stopwatch.GetTimestamp());
        if (!_channel.Writer.TryWrite(pending))
        {
            throw new MaasException(
                ErrorKind.Throttled,
                string.Create(CultureInfo.InvariantCulture, $"Model '{_model.Name}' version {_model.Version} has a full batch queue; retry shortly."))
            {
                RetryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(_delay.TotalSeconds))),
            };
        }

        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() => pending.Completion.TrySetCanceled(cancellationToken));
            pending.Completion.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        }

        return pending.Completion.Task;
    }

    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _runSlots.Dispose();
    }

    private async Task FormBatchesAsync()
    {
        var reader = _channel.Reader;
        var setAside = new List<Pending>();
        while (true)
        {
            Pending first;
            if (setAside.Count > 0)
            {
                first = setAside[0];
                setAside.RemoveAt(0);
            }
            else if (!await reader.WaitToReadAsync() || !reader.TryRead(out first!))
            {
                if (reader.Completion.IsCompleted)
                {
                    return;
                }

                continue;
            }

            if (first.Completion.Task.IsCompleted)
            {
                continue;
            }

            var batch = new List<Pending> { first };
            var rows = BatchTensors.RowsOf(first.Request);
            for (var i = 0; i < setAside.Count && rows < _maxRows; i++)
            {
                if (Fits(setAside[i], first, rows))
                {
                    rows += BatchTensors.RowsOf(setAside[i].Request);
                    batch.Add(setAside[i]);
                    setAside.RemoveAt(i--);
                }
            }

            // Idle (nothing of this model running): run at once, waiting costs latency and gains nothing.
            // Busy: collect more while no run slot is free, and up to maxQueueDelayMs after the oldest request while one is.
            var deadline = first.Enqueued + (long)(_delay.TotalSeconds * Stopwatch.Frequency);
            while (rows < _maxRows && !_preferred.Contains(rows))
            {
                var wake = Volatile.Read(ref _runFinished);
                if (reader.TryRead(out var next))
                {
                    if (Fits(next, first, rows))
                    {
                        rows += BatchTensors.RowsOf(next.Request);
                        batch.Add(next);
                    }
                    else
                    {
                        setAside.Add(next);
                    }

                    continue;
                }

                if (Volatile.Read(ref _running) == 0)
                {
                    break;
                }

                var slotFree = _runSlots.CurrentCount > 0;
                var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                if (slotFree && remaining <= TimeSpan.Zero)
                {
                    break;
                }

                await WaitForMoreAsync(reader, slotFree ? remaining : Timeout.InfiniteTimeSpan, wake.Task);
            }

            await _runSlots.WaitAsync();
            Interlocked.Increment(ref _running);
            _ = Task.Run(() => RunAsync(batch, rows));
        }
    }

    private bool Fits(Pending candidate, Pending first, int rows)
        => !candidate.Completion.Task.IsCompleted
            && rows + BatchTensors.RowsOf(candidate.Request) <= _maxRows
            && BatchTensors.Compatible(first.Request, candidate.Request);

    /// <summary>Returns when a request arrives, a run finishes (<paramref name="runFinished"/>) or <paramref name="timeout"/> passes.</summary>
    private static async Task WaitForMoreAsync(ChannelReader<Pending> reader, TimeSpan timeout, Task runFinished)
    {
        using var stop = new CancellationTokenSource();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            stop.CancelAfter(timeout);
        }

        var arrival = reader.WaitToReadAsync(stop.Token).AsTask();
        await Task.WhenAny(arrival, runFinished);
        await stop.CancelAsync();
    }

    private async Task RunAsync(List<Pending> batch, int rows)
    {
        try
        {
            var started = Stopwatch.GetTimestamp();
            using var lease = await _sessions.AcquireAsync(_model, CancellationToken.None);
            using var merged = BatchTensors.Concatenate([.. batch.Select(p => p.Request)]);
            var runStarted = Stopwatch.GetTimestamp();
            using var result = ModelRunner.Run(lease.Session, merged, CancellationToken.None);
            var inference = Stopwatch.GetElapsedTime(runStarted);
            var coldLoad = lease.ColdLoad ? lease.Loaded.LoadTime : (TimeSpan?)null;
            var offset = 0;
            foreach (var pending in batch)
            {
                var own = BatchTensors.RowsOf(pending.Request);
                var part = BatchTensors.Slice(result, pending.Request.Outputs, rows, offset, own);
                offset += own;
                var run = new BatchedRun(part, Stopwatch.GetElapsedTime(pending.Enqueued, started), inference, rows, lease.Loaded.ExecutionProvider, coldLoad);
                if (!pending.Completion.TrySetResult(run))
                {
                    part.Dispose();
                }
            }
        }
        catch (Exception error)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }
        }
        finally
        {
            _runSlots.Release();
            Interlocked.Decrement(ref _running);
            Interlocked.Exchange(ref _runFinished, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private sealed class Pending(InferenceRequest request, long enqueued)
    {
        public InferenceRequest Request { get; } = request;

        public long Enqueued { get; } = enqueued;

        public TaskCompletionSource<BatchedRun> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
