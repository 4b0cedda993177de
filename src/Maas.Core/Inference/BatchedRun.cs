namespace Maas.Core.Inference;

/// <summary>One request's share of a batched run: its outputs and what the batch measured.</summary>
/// <param name="QueueTime">From enqueueing to the start of the batch's run.</param>
/// <param name="BatchRows">Rows of the whole batch the request ran in.</param>
public sealed record BatchedRun(InferenceResult Result, TimeSpan QueueTime, TimeSpan InferenceTime, int BatchRows, string ExecutionProvider, TimeSpan? ColdLoadTime);
