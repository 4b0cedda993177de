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

            var deadline = first.Enqueued + (long)(_delay.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                var wake = Volatile.Read(ref _runFinished);
                if (!BatchClosing.IsFull(rows, _maxRows, _preferred) && reader.TryRead(out var next))
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

                var slotFree = _runSlots.CurrentCount > 0;
                var wait = BatchClosing.Decide(
                    rows, _maxRows, _preferred, anyRunning: Volatile.Read(ref _running) > 0, slotFree, Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline));
                if (wait is not { } timeout)
                {
                    break;
                }

                await WaitForMoreAsync(reader, timeout, wake.Task);
            }

            await _runSlots.WaitAsync();
            Interlocked.Increment(ref _running);
            _ = Task.Run(() => RunAsync(batch, rows));
        }
    }

    private bool Fits(Pending candidate, Pending first, int rows)
        => !candidate.Completion.Task.IsCompleted
            && BatchClosing.Fits(rows, BatchTensors.RowsOf(candidate.Request), _maxRows)
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
            try
            {
                RunTogether(lease, batch, rows, started);
            }
            catch (MaasException rejected) when (rejected.Kind == ErrorKind.InvalidInput && batch.Count > 1)
            {
                // The graph refused one of the inputs: run each request alone, so only its own caller gets the 400.
                foreach (var pending in batch)
                {
                    RunAlone(lease, pending, started);
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

    /// <summary>Runs the batch once on the concatenated inputs and gives each request its own rows.</summary>
    private static void RunTogether(SessionLease lease, List<Pending> batch, int rows, long started)
    {
        using var merged = BatchTensors.Concatenate([.. batch.Select(p => p.Request)]);
        var runStarted = Stopwatch.GetTimestamp();
        using var result = ModelRunner.Run(lease.Loaded, merged, CancellationToken.None);
        var inference = Stopwatch.GetElapsedTime(runStarted);
        var offset = 0;
        foreach (var pending in batch)
        {
            var own = BatchTensors.RowsOf(pending.Request);
            var part = BatchTensors.Slice(result, pending.Request.Outputs, rows, offset, own);
            offset += own;
            Complete(pending, part, lease, started, inference, rows);
        }
    }

    private static void RunAlone(SessionLease lease, Pending pending, long started)
    {
        try
        {
            var runStarted = Stopwatch.GetTimestamp();
            var rows = BatchTensors.RowsOf(pending.Request);
            using var result = ModelRunner.Run(lease.Loaded, pending.Request, CancellationToken.None);
            var inference = Stopwatch.GetElapsedTime(runStarted);

            // A copy, like a batch's parts: the outputs must not outlive the lease on the session.
            Complete(pending, BatchTensors.Slice(result, pending.Request.Outputs, rows, 0, rows), lease, started, inference, rows);
        }
        catch (Exception error)
        {
            pending.Completion.TrySetException(error);
        }
    }

    private static void Complete(Pending pending, InferenceResult result, SessionLease lease, long started, TimeSpan inference, int rows)
    {
        var coldLoad = lease.ColdLoad ? lease.Loaded.LoadTime : (TimeSpan?)null;
        var run = new BatchedRun(result, Stopwatch.GetElapsedTime(pending.Enqueued, started), inference, rows, lease.Loaded.ExecutionProvider, coldLoad);
        if (!pending.Completion.TrySetResult(run))
        {
            result.Dispose();
        }
    }

    private sealed class Pending(InferenceRequest request, long enqueued)
    {
        public InferenceRequest Request { get; } = request;

        public long Enqueued { get; } = enqueued;

        public TaskCompletionSource<BatchedRun> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
