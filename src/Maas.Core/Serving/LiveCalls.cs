namespace Maas.Core.Serving;

/// <summary>
/// The live prediction calls this instance is running (the HTTP path counts them: two uncontended-lock-free writes per
/// call), so that background work on the same cores (a batch's chunks) can let them go first: it waits, a bounded
/// time, until none is in flight and none has ended for <see cref="QuietGap"/> (a caller sending calls back to back is
/// still there between two of them).
/// </summary>
public sealed class LiveCalls(TimeProvider clock)
{
    /// <summary>How long after the last live call ended the instance counts as quiet.</summary>
    public static readonly TimeSpan QuietGap = TimeSpan.FromMilliseconds(2);

    /// <summary>How often a waiting background task looks again.</summary>
    private static readonly TimeSpan Recheck = TimeSpan.FromMilliseconds(1);

    private int _inFlight;
    private long _lastEnded = long.MinValue;

    public LiveCalls()
        : this(TimeProvider.System)
    {
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a live call until the result is disposed (once).</summary>
    public LiveCall Enter()
    {
        Interlocked.Increment(ref _inFlight);
        return new LiveCall(this);
    }

    /// <summary>Completes when no live call is in flight and none ended within <see cref="QuietGap"/>, or after <paramref name="patience"/>, whichever comes first.</summary>
    public async Task WaitForQuietAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        if (patience <= TimeSpan.Zero)
        {
            return;
        }

        var started = clock.GetTimestamp();
        while (!IsQuiet())
        {
            var left = patience - clock.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(left < Recheck ? left : Recheck, clock, cancellationToken);
        }
    }

    private bool IsQuiet()
    {
        var lastEnded = Volatile.Read(ref _lastEnded);
        return Volatile.Read(ref _inFlight) == 0 && (lastEnded == long.MinValue || clock.GetElapsedTime(lastEnded) >= QuietGap);
    }

    private void Exit()
    {
        Volatile.Write(ref _lastEnded, clock.GetTimestamp());
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>One live call, counted until disposed.</summary>
    public readonly struct LiveCall(LiveCalls calls) : IDisposable
    {
        public void Dispose() => calls?.Exit();
    }
}
