using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Maas.Core.Errors;
using Maas.Core.Models;

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
            var outcomes = RunTogetherOrAlone(lease, [.. batch.Select(p => p.Request)]);
            var coldLoad = lease.ColdLoad ? lease.Loaded.LoadTime : (TimeSpan?)null;
            for (var i = 0; i < batch.Count; i++)
            {
                var (result, error, inference, batchRows) = outcomes[i];
                if (error is not null)
                {
                    batch[i].Completion.TrySetException(error);
                    continue;
                }

                var run = new BatchedRun(result!, Stopwatch.GetElapsedTime(batch[i].Enqueued, started), inference, batchRows, lease.Loaded.ExecutionProvider, coldLoad);
                if (!batch[i].Completion.TrySetResult(run))
                {
                    result!.Dispose();
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

    /// <summary>
    /// Runs compatible requests once on their concatenated inputs and gives each its own rows (copies that do not
    /// depend on the lease). When the graph rejects an input (a 400), or its outputs do not keep the batch's rows, each
    /// request runs alone, so answers never depend on the company a request keeps and only a request at fault fails.
    /// Any other failure fails them all (thrown).
    /// </summary>
    internal static List<BatchOutcome> RunTogetherOrAlone(SessionLease lease, IReadOnlyList<InferenceRequest> requests)
    {
        var rows = requests.Sum(BatchTensors.RowsOf);
        try
        {
            using var merged = requests.Count == 1 ? null : BatchTensors.Concatenate(requests);
            var runStarted = Stopwatch.GetTimestamp();
            using var result = ModelRunner.Run(lease.Loaded, merged ?? requests[0], CancellationToken.None);
            var inference = Stopwatch.GetElapsedTime(runStarted);
            if (requests.Count == 1)
            {
                return [new(BatchTensors.Copy(result, requests[0].Outputs), null, inference, rows)];
            }

            var outcomes = new List<BatchOutcome>(requests.Count);
            var offset = 0;
            foreach (var request in requests)
            {
                var own = BatchTensors.RowsOf(request);
                outcomes.Add(new(BatchTensors.Slice(result, request.Outputs, rows, offset, own), null, inference, rows));
                offset += own;
            }

            return outcomes;
        }
        catch (Exception failure) when (requests.Count > 1 && failure is BatchSplitException or MaasException { Kind: ErrorKind.InvalidInput })
        {
            return [.. requests.Select(request => RunTogetherOrAlone(lease, [request])[0])];
        }
        catch (MaasException rejected) when (rejected.Kind == ErrorKind.InvalidInput)
        {
            return [new(null, rejected, TimeSpan.Zero, rows)];
        }
    }

    /// <summary>One request's share of a run: its outputs, or the error that refused its input.</summary>
    internal readonly record struct BatchOutcome(InferenceResult? Result, Exception? Error, TimeSpan Inference, int BatchRows);

    private sealed class Pending(InferenceRequest request, long enqueued)
    {
        public InferenceRequest Request { get; } = request;

        public long Enqueued { get; } = enqueued;

        public TaskCompletionSource<BatchedRun> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
