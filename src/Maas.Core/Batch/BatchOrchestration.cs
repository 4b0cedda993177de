using Microsoft.DurableTask;

namespace Maas.Core.Batch;

/// <summary>
/// One batch as a Durable Task orchestration: validate the file (a bad file fails the batch with its lines named),
/// fan the chunks out as activities (at most <see cref="BatchPlan.MaxParallelChunks"/> at once, spread over the
/// instances by the task hub), fold each chunk's counts into the batch's record as it finishes, and end by joining
/// the finished chunks' results into the output and error files. A cancel (seen in the record after each chunk) or
/// the window's end stops scheduling new chunks; running ones finish and their results are kept. The orchestration
/// replays: everything that is not deterministic happens in activities.
/// </summary>
public static class BatchOrchestration
{
    public const string Name = "RunBatch";
    public const string Validate = "ValidateBatch";
    public const string RunChunk = "RunBatchChunk";
    public const string RecordProgress = "RecordBatchProgress";
    public const string Finish = "FinishBatch";

    /// <summary>Attempts of a chunk's activity before the batch fails; a retried chunk rewrites its own results.</summary>
    public const int ChunkAttempts = 3;

    private static readonly TaskOptions ChunkRetries = TaskOptions.FromRetryPolicy(new RetryPolicy(ChunkAttempts, TimeSpan.FromSeconds(5), backoffCoefficient: 2));

    /// <summary>Runs the batch the orchestration's input (<see cref="BatchRun"/>) names; returns how it ended.</summary>
    public static async Task<BatchStatus> RunAsync(TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var run = context.GetInput<BatchRun>() ?? throw new InvalidOperationException("A batch orchestration needs its BatchRun input.");
        var plan = await context.CallActivityAsync<BatchPlan>(Validate, run);
        if (plan.Status != BatchStatus.InProgress)
        {
            return plan.Status;
        }

        var finished = new List<int>(plan.Chunks.Count);
        var running = new Dictionary<Task<BatchChunkCounts>, int>();
        var next = 0;
        BatchStatus? ending = null;
        while (true)
        {
            while (ending is null && next < plan.Chunks.Count && running.Count < plan.MaxParallelChunks)
            {
                if (context.CurrentUtcDateTime >= plan.ExpiresAt.UtcDateTime)
                {
                    ending = BatchStatus.Expired;
                    break;
                }

                running.Add(context.CallActivityAsync<BatchChunkCounts>(RunChunk, new BatchChunkWork(run, plan.Chunks[next]), ChunkRetries), next);
                next++;
            }

            if (running.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(running.Keys);
            running.Remove(done);
            BatchChunkCounts counts;
            try
            {
                counts = await done;
            }
            catch (TaskFailedException)
            {
                // The chunk failed past its retries (storage, not its lines: those are answered one by one).
                ending ??= BatchStatus.Failed;
                continue;
            }

            finished.Add(counts.Index);
            var status = await context.CallActivityAsync<BatchStatus>(RecordProgress, new BatchProgress(run, counts.Completed, counts.Failed));
            if (status == BatchStatus.Cancelling)
            {
                ending ??= BatchStatus.Cancelled;
            }
        }

        finished.Sort();
        return await context.CallActivityAsync<BatchStatus>(Finish, new BatchFinish(run, finished, ending ?? BatchStatus.Completed));
    }
}
