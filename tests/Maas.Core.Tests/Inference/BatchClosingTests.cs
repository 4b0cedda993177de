using Maas.Core.Inference;

namespace Maas.Core.Tests.Inference;

/// <summary>The batch-closing policy as a pure function: no sessions, no timing.</summary>
public sealed class BatchClosingTests
{
    private static readonly HashSet<int> Preferred = [4];
    private static readonly TimeSpan Remaining = TimeSpan.FromMilliseconds(3);

    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void Decide_AtOrOverMaxRows_RunsNow(int rows)
        => Assert.Null(BatchClosing.Decide(rows, maxRows: 8, Preferred, anyRunning: true, slotFree: false, Remaining));

    [Fact]
    public void Decide_AtAPreferredSize_RunsNow()
        => Assert.Null(BatchClosing.Decide(4, maxRows: 8, Preferred, anyRunning: true, slotFree: true, Remaining));

    [Fact]
    public void Decide_NothingOfTheModelRunning_RunsNowWithoutWaiting()
        => Assert.Null(BatchClosing.Decide(1, maxRows: 8, Preferred, anyRunning: false, slotFree: true, Remaining));

    [Fact]
    public void Decide_BusyWithAFreeSlotBeforeTheDeadline_WaitsUntilTheDeadline()
        => Assert.Equal(Remaining, BatchClosing.Decide(1, maxRows: 8, Preferred, anyRunning: true, slotFree: true, Remaining));

    [Fact]
    public void Decide_BusyWithAFreeSlotPastTheDeadline_RunsNow()
        => Assert.Null(BatchClosing.Decide(1, maxRows: 8, Preferred, anyRunning: true, slotFree: true, TimeSpan.FromMilliseconds(-1)));

    [Fact]
    public void Decide_NoFreeSlot_WaitsForARunToFinishWhateverTheDeadline()
        => Assert.Equal(Timeout.InfiniteTimeSpan, BatchClosing.Decide(1, maxRows: 8, Preferred, anyRunning: true, slotFree: false, TimeSpan.FromMilliseconds(-1)));

    [Theory]
    [InlineData(3, 5, true)]
    [InlineData(3, 6, false)]
    public void Fits_RowsUpToMax_Fit(int rows, int candidateRows, bool fits)
        => Assert.Equal(fits, BatchClosing.Fits(rows, candidateRows, maxRows: 8));

    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(8, true)]
    public void IsFull_AtMaxOrPreferred_TakesNoMore(int rows, bool full)
        => Assert.Equal(full, BatchClosing.IsFull(rows, maxRows: 8, Preferred));
}
