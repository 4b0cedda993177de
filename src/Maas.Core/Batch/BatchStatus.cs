namespace Maas.Core.Batch;

/// <summary>A batch's status, with OpenAI's names (<see cref="BatchStatuses.NameOf"/>).</summary>
public enum BatchStatus
{
    Validating,
    Failed,
    InProgress,
    Finalizing,
    Completed,
    Expired,
    Cancelling,
    Cancelled,
}

/// <summary>The statuses' names and the moves between them, as OpenAI's Batch API documents them.</summary>
public static class BatchStatuses
{
    public static string NameOf(BatchStatus status) => status switch
    {
        BatchStatus.InProgress => "in_progress",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>Whether the batch has ended (nothing more will change).</summary>
    public static bool IsTerminal(BatchStatus status) => status is BatchStatus.Failed or BatchStatus.Completed or BatchStatus.Expired or BatchStatus.Cancelled;

    /// <summary>
    /// Whether a batch may move from <paramref name="from"/> to <paramref name="to"/>: validating to failed or in
    /// progress; in progress to finalizing, cancelling or expired (or failed, when a chunk kept failing past its retries); finalizing to completed (or expired); cancelling to
    /// cancelled. A cancel or the window's end may come while validating too.
    /// </summary>
    public static bool CanMove(BatchStatus from, BatchStatus to) => (from, to) switch
    {
        (BatchStatus.Validating, BatchStatus.Failed or BatchStatus.InProgress or BatchStatus.Cancelling or BatchStatus.Expired) => true,
        (BatchStatus.InProgress, BatchStatus.Finalizing or BatchStatus.Cancelling or BatchStatus.Expired or BatchStatus.Failed) => true,
        (BatchStatus.Finalizing, BatchStatus.Completed or BatchStatus.Expired) => true,
        (BatchStatus.Cancelling, BatchStatus.Cancelled) => true,
        _ => false,
    };
}
