using Maas.Core.Serving;
using Microsoft.Extensions.Time.Testing;

namespace Maas.Core.Tests.Serving;

/// <summary>Background work waiting for the live calls: on a fake clock, so every wait ends by the clock, not by time passing.</summary>
public sealed class LiveCallsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public void WaitForQuietAsync_NoLiveCallEver_CompletesAtOnce()
        => Assert.True(new LiveCalls(new FakeTimeProvider()).WaitForQuietAsync(Patience, CancellationToken.None).IsCompleted);

    [Fact]
    public async Task WaitForQuietAsync_CallInFlight_WaitsUntilThePatienceIsSpent()
    {
        var clock = new FakeTimeProvider();
        var calls = new LiveCalls(clock);
        using var call = calls.Enter();

        var waiting = calls.WaitForQuietAsync(Patience, CancellationToken.None);

        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, calls.InFlight);
        // The first recheck was set before the wait returned: the clock passing the patience ends it.
        clock.Advance(Patience);
        await waiting.WaitAsync(Bound);
    }

    [Fact]
    public async Task WaitForQuietAsync_CallJustEnded_WaitsForTheQuietGapOnly()
    {
        var clock = new FakeTimeProvider();
        var calls = new LiveCalls(clock);
        calls.Enter().Dispose();

        var waiting = calls.WaitForQuietAsync(Patience, CancellationToken.None);

        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, calls.InFlight);
        clock.Advance(LiveCalls.QuietGap);
        await waiting.WaitAsync(Bound);
    }

    [Fact]
    public void WaitForQuietAsync_CallEndedLongerAgoThanTheGap_CompletesAtOnce()
    {
        var clock = new FakeTimeProvider();
        var calls = new LiveCalls(clock);
        calls.Enter().Dispose();
        clock.Advance(LiveCalls.QuietGap);

        Assert.True(calls.WaitForQuietAsync(Patience, CancellationToken.None).IsCompleted);
        Assert.Equal(0, calls.InFlight);
        Assert.True(calls.WaitForQuietAsync(TimeSpan.Zero, CancellationToken.None).IsCompleted);
    }
}
