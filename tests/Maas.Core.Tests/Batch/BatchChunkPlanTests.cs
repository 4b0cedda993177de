using Maas.Core.Batch;

namespace Maas.Core.Tests.Batch;

public sealed class BatchChunkPlanTests
{
    /// <summary>Lines of 10 bytes each, one newline between them: line i starts at 11 × i.</summary>
    private static List<BatchLine> Lines(int count) => [.. Enumerable.Range(0, count).Select(i => new BatchLine(i + 1, $"c{i}", 11L * i, 10, "{}"))];

    [Fact]
    public void Plan_ByLines_CoversEveryLineOnceInOrder()
    {
        var chunks = BatchChunkPlan.Plan(Lines(10), maxLines: 4, maxBytes: 1_000);

        Assert.Equal([(0L, 43L, 1, 4), (44L, 43L, 5, 4), (88L, 21L, 9, 2)], chunks.Select(c => (c.Offset, c.Length, c.FirstLine, c.LineCount)));
        Assert.Equal([0, 1, 2], chunks.Select(c => c.Index));
    }

    [Fact]
    public void Plan_ByBytes_StopsBeforeTheLimitButTakesAnOversizedLineAlone()
    {
        var chunks = BatchChunkPlan.Plan(Lines(5), maxLines: 100, maxBytes: 25);

        // Two lines span 21 bytes (10 + newline + 10); a third would make 32.
        Assert.Equal([2, 2, 1], chunks.Select(c => c.LineCount));
        Assert.Equal([(0L, 9L, 1, 1)], BatchChunkPlan.Plan([new BatchLine(1, "big", 0, 9, "{}")], 10, 5).Select(c => (c.Offset, c.Length, c.FirstLine, c.LineCount)));
    }

    [Fact]
    public void Plan_NoLines_IsNoChunks() => Assert.Empty(BatchChunkPlan.Plan([], 10, 10));
}
