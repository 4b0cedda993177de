using Maas.Core.Batch;

namespace Maas.Core.Tests.Batch;

public sealed class BatchStatusesTests
{
    [Theory]
    [InlineData(BatchStatus.Validating, "validating")]
    [InlineData(BatchStatus.InProgress, "in_progress")]
    [InlineData(BatchStatus.Cancelling, "cancelling")]
    public void NameOf_Status_IsOpenAisName(BatchStatus status, string name) => Assert.Equal(name, BatchStatuses.NameOf(status));

    [Theory]
    [InlineData(BatchStatus.Validating, BatchStatus.InProgress, true)]
    [InlineData(BatchStatus.Validating, BatchStatus.Failed, true)]
    [InlineData(BatchStatus.InProgress, BatchStatus.Finalizing, true)]
    [InlineData(BatchStatus.Finalizing, BatchStatus.Completed, true)]
    [InlineData(BatchStatus.InProgress, BatchStatus.Cancelling, true)]
    [InlineData(BatchStatus.Cancelling, BatchStatus.Cancelled, true)]
    [InlineData(BatchStatus.InProgress, BatchStatus.Expired, true)]
    [InlineData(BatchStatus.InProgress, BatchStatus.Failed, true)]
    [InlineData(BatchStatus.Cancelling, BatchStatus.Completed, false)]
    [InlineData(BatchStatus.Completed, BatchStatus.InProgress, false)]
    [InlineData(BatchStatus.Validating, BatchStatus.Completed, false)]
    [InlineData(BatchStatus.Cancelled, BatchStatus.Cancelling, false)]
    [InlineData(BatchStatus.Failed, BatchStatus.InProgress, false)]
    public void CanMove_FromTo_FollowsOpenAisLifecycle(BatchStatus from, BatchStatus to, bool allowed) => Assert.Equal(allowed, BatchStatuses.CanMove(from, to));

    [Fact]
    public void IsTerminal_EndedStatuses_AreTheFourEnds()
        => Assert.Equal([BatchStatus.Failed, BatchStatus.Completed, BatchStatus.Expired, BatchStatus.Cancelled], Enum.GetValues<BatchStatus>().Where(BatchStatuses.IsTerminal));
}
