namespace Maas.Core.Inference;

/// <summary>
/// When a forming batch closes, as a pure function of what the queue sees. A batch closes at <c>maxBatchSize</c> rows or
/// a preferred size; at once when nothing of the model is running (waiting then costs latency and gains nothing); and,
/// while runs are in flight, when a run slot is free and <c>maxQueueDelayMs</c> after its oldest request has passed.
/// Otherwise it waits for more requests: until that deadline while a slot is free, for a slot to free while none is.
/// </summary>
internal static class BatchClosing
{
    /// <summary>Null when the batch runs now; otherwise how long to wait for more requests (infinite: until a run finishes).</summary>
    public static TimeSpan? Decide(int rows, int maxRows, IReadOnlySet<int> preferred, bool anyRunning, bool slotFree, TimeSpan untilDeadline)
    {
        if (IsFull(rows, maxRows, preferred) || !anyRunning)
        {
            return null;
        }

        if (!slotFree)
        {
            return Timeout.InfiniteTimeSpan;
        }

        return untilDeadline > TimeSpan.Zero ? untilDeadline : null;
    }

    /// <summary>A batch at <paramref name="maxRows"/> or at a preferred size takes no more requests.</summary>
    public static bool IsFull(int rows, int maxRows, IReadOnlySet<int> preferred) => rows >= maxRows || preferred.Contains(rows);

    /// <summary>Whether a request of <paramref name="candidateRows"/> rows still fits a batch of <paramref name="rows"/>.</summary>
    public static bool Fits(int rows, int candidateRows, int maxRows) => rows + candidateRows <= maxRows;
}
