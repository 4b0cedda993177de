using Microsoft.Extensions.Options;

namespace Maas.Core.Batch;

/// <summary>
/// The work of <see cref="BatchOrchestration"/>'s activities, each safe to run again: validation re-reads the same
/// file, a chunk rewrites its own result blobs, progress and the ending are read-modify-writes of the batch's record.
/// </summary>
public sealed class BatchActivities(BatchStore store, BatchFileStore files, BatchLineRunner runner, BatchActivityLimiter limiter, IOptions<BatchOptions> options, TimeProvider clock)
{
    /// <summary>Reads and checks the input: a bad file fails the batch with its lines named; a good one is planned in chunks and the batch moves to in progress.</summary>
    public async Task<BatchPlan> ValidateAsync(BatchRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var batch = await RecordOf(run, cancellationToken);
        var settings = options.Value;
        if (batch.Status != BatchStatus.Validating)
        {
            // Cancelled before it started (or validated by an earlier attempt of this activity).
            if (batch.Status == BatchStatus.Cancelling)
            {
                batch = await UpdateAsync(run, record => record.MoveTo(BatchStatus.Cancelled, clock.GetUtcNow()), cancellationToken);
            }

            if (batch.Status != BatchStatus.InProgress)
            {
                return new BatchPlan(batch.Status, [], batch.ExpiresAt, settings.MaxParallelChunks);
            }
        }

        var endpoint = BatchEndpoint.Parse(batch.Endpoint)
            ?? throw new InvalidOperationException("A batch was stored with an endpoint that is not a prediction path.");
        var reading = BatchFile.Read((await files.ReadInputAsync(batch, cancellationToken)).Span, endpoint, settings.MaxLines, keepBodies: false);
        if (!reading.IsValid)
        {
            var failed = await UpdateAsync(run, record => record.MoveTo(BatchStatus.Failed, clock.GetUtcNow()) with { Errors = reading.Errors }, cancellationToken);
            return new BatchPlan(failed.Status, [], failed.ExpiresAt, settings.MaxParallelChunks);
        }

        var chunks = BatchChunkPlan.Plan(reading.Lines, settings.ChunkLines, settings.ChunkBytes);
        var started = await UpdateAsync(
            run,
            record => record.Status == BatchStatus.Validating
                ? record.MoveTo(BatchStatus.InProgress, clock.GetUtcNow()) with { Counts = new BatchCounts(reading.Lines.Count, 0, 0) }
                : record,
            cancellationToken);
        return new BatchPlan(started.Status, started.Status == BatchStatus.InProgress ? chunks : [], started.ExpiresAt, settings.MaxParallelChunks);
    }

    /// <summary>Runs one chunk's lines (within this instance's bound on batch work) and writes its results whole.</summary>
    public async Task<BatchChunkCounts> RunChunkAsync(BatchChunkWork work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var slot = await limiter.EnterAsync(cancellationToken);
        var batch = await RecordOf(work.Run, cancellationToken);
        var chunk = work.Chunk;
        var endpoint = BatchEndpoint.Parse(batch.Endpoint)!;
        var content = await files.ReadInputRangeAsync(batch, chunk.Offset, chunk.Length, cancellationToken);
        var lines = BatchFile.Read(content.Span, endpoint, int.MaxValue).Lines
            .Select(line => line with { Line = line.Line + chunk.FirstLine - 1, Offset = line.Offset + chunk.Offset })
            .ToList();
        var outcomes = await runner.RunAsync(batch, lines, cancellationToken);
        using var results = new BatchResults();
        for (var i = 0; i < lines.Count; i++)
        {
            results.Add(batch.Id, lines[i], outcomes[i]);
        }

        await files.WriteChunkAsync(batch.Id, chunk.Index, results.Output, results.Errors, cancellationToken);
        return new BatchChunkCounts(chunk.Index, results.Completed, results.Failed);
    }

    /// <summary>Adds a finished chunk's counts to the batch's record; returns its status, so the orchestration sees a cancel.</summary>
    public async Task<BatchStatus> RecordProgressAsync(BatchProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var batch = await UpdateAsync(progress.Run, record => record with { Counts = record.Counts.Add(progress.Completed, progress.Failed) }, cancellationToken);
        return batch.Status;
    }

    /// <summary>Ends the batch: finalizing, the finished chunks' results joined into its output and error files, then completed, cancelled, expired or failed.</summary>
    public async Task<BatchStatus> FinishAsync(BatchFinish finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(finish);
        var batch = await RecordOf(finish.Run, cancellationToken);
        if (BatchStatuses.IsTerminal(batch.Status))
        {
            // Ended by an earlier run of this activity: only its clean-up may be left.
            await files.DeleteChunksAsync(batch.Id, finish.FinishedChunks, cancellationToken);
            return batch.Status;
        }

        // A cancel asked after the last chunk had started still ends the batch as cancelled.
        var ending = batch.Status == BatchStatus.Cancelling ? BatchStatus.Cancelled : finish.Ending;
        if (ending == BatchStatus.Completed)
        {
            batch = await UpdateAsync(finish.Run, record => record.MoveTo(BatchStatus.Finalizing, clock.GetUtcNow()), cancellationToken);
        }

        var (outputFileId, errorFileId) = await files.AssembleAsync(batch, finish.FinishedChunks, clock.GetUtcNow(), cancellationToken);
        var ended = await UpdateAsync(
            finish.Run,
            record => record.MoveTo(ending, clock.GetUtcNow()) with { OutputFileId = outputFileId, ErrorFileId = errorFileId },
            cancellationToken);

        // Only once the record names the joined files: a run of this activity again still finds every chunk's results.
        await files.DeleteChunksAsync(batch.Id, finish.FinishedChunks, cancellationToken);
        return ended.Status;
    }

    private async Task<BatchRecord> RecordOf(BatchRun run, CancellationToken cancellationToken)
        => await store.GetAsync(run.Owner, run.BatchId, cancellationToken)
           ?? throw new InvalidOperationException("The batch an orchestration runs has no record.");

    private async Task<BatchRecord> UpdateAsync(BatchRun run, Func<BatchRecord, BatchRecord> change, CancellationToken cancellationToken)
        => await store.UpdateAsync(run.Owner, run.BatchId, change, cancellationToken)
           ?? throw new InvalidOperationException("The batch an orchestration runs has no record.");
}
