namespace Maas.Core.Batch;

/// <summary>Which batch an orchestration runs: its owner's key and its id (the orchestration's instance id too).</summary>
public sealed record BatchRun(string Owner, string BatchId);

/// <summary>
/// What validation found: the batch's status after it (in progress, or how it ended there: failed, cancelled,
/// expired), the chunks to run (none when it ended), when it expires, and how many chunks may run at once.
/// </summary>
public sealed record BatchPlan(BatchStatus Status, IReadOnlyList<BatchChunk> Chunks, DateTimeOffset ExpiresAt, int MaxParallelChunks);

/// <summary>One chunk of one batch, for the activity that runs it.</summary>
public sealed record BatchChunkWork(BatchRun Run, BatchChunk Chunk);

/// <summary>What a chunk's lines answered: how many 2xx, how many not.</summary>
public sealed record BatchChunkCounts(int Index, int Completed, int Failed);

/// <summary>Counts to fold into a batch's record as a chunk finishes.</summary>
public sealed record BatchProgress(BatchRun Run, int Completed, int Failed);

/// <summary>How a batch ends: the chunks that finished (their results are the output), and why it ends.</summary>
/// <param name="Ending">Completed, Cancelled (a cancel was asked), Expired (its window closed) or Failed (a chunk kept failing).</param>
public sealed record BatchFinish(BatchRun Run, IReadOnlyList<int> FinishedChunks, BatchStatus Ending);
