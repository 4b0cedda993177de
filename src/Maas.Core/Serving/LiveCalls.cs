namespace Maas.Core.Serving;

/// <summary>
/// The live prediction calls this instance is running (the HTTP path counts them), so that background work on the
/// same cores (a batch's chunks) can let them go first: it waits, a bounded time, until none is in flight and none
/// has ended for <see cref="QuietGap"/> (a caller sending calls back to back is still there between two of them).
/// </summary>
public sealed class LiveCalls(TimeProvider clock)
{
    /// <summary>How long after the last live call ended the instance counts as quiet.</summary>
    public static readonly TimeSpan QuietGap = TimeSpan.FromMilliseconds(2);

    /// <summary>How often a waiting background task looks again.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(1);

    private readonly Lock _gate = new();
    private int _inFlight;
    private long _lastEnded = long.MinValue;
    private TaskCompletionSource _quiet = NewQuiet(completed: true);

    public LiveCalls()
        : this(TimeProvider.System)
    {
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a live call until the result is disposed.</summary>
    public IDisposable Enter()
    {
        lock (_gate)
        {
            if (_inFlight++ == 0)
            {
                _quiet = NewQuiet(completed: false);
            }
        }

        return new Call(this);
    }

    /// <summary>Completes when no live call is in flight and none ended within <see cref="QuietGap"/>, or after <paramref name="patience"/>, whichever comes first.</summary>
    public async Task WaitForQuietAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        if (patience <= TimeSpan.Zero)
        {
            return;
        }

        var started = clock.GetTimestamp();
        while (clock.GetElapsedTime(started) < patience)
        {
            Task quiet;
            lock (_gate)
            {
                quiet = _quiet.Task;
            }

            if (!quiet.IsCompleted)
            {
                await Task.WhenAny(quiet, Task.Delay(patience - clock.GetElapsedTime(started), clock, cancellationToken));
                continue;
            }

            var lastEnded = Volatile.Read(ref _lastEnded);
            if (lastEnded == long.MinValue || clock.GetElapsedTime(lastEnded) >= QuietGap)
            {
                return;
            }

            await Task.Delay(Recheck, clock, cancellationToken);
        }
    }

    private void Exit()
    {
        lock (_gate)
        {
            Volatile.Write(ref _lastEnded, clock.GetTimestamp());
            if (--_inFlight == 0)
            {
                _quiet.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewQuiet(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }

    private sealed class Call(LiveCalls calls) : IDisposable
    {
        private int _exited;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _exited, 1) == 0)
            {
                calls.Exit();
            }
        }
    }
}
