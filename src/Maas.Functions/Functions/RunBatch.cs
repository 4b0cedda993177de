using Maas.Core.Batch;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace Maas.Functions.Functions;

/// <summary>
/// A batch job on Durable Functions: the orchestration (<see cref="BatchOrchestration"/>) and its activities, each one
/// call into Core (<see cref="BatchActivities"/>). The task hub on the storage account spreads the activities over
/// every instance and survives restarts.
/// </summary>
public sealed class RunBatch(BatchActivities activities)
{
    [Function(BatchOrchestration.Name)]
    public static Task<BatchStatus> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context)
        => BatchOrchestration.RunAsync(context);

    [Function(BatchOrchestration.Validate)]
    public Task<BatchPlan> Validate([ActivityTrigger] BatchRun run, CancellationToken cancellationToken)
        => activities.ValidateAsync(run, cancellationToken);

    [Function(BatchOrchestration.RunChunk)]
    public Task<BatchChunkCounts> RunChunk([ActivityTrigger] BatchChunkWork work, CancellationToken cancellationToken)
        => activities.RunChunkAsync(work, cancellationToken);

    [Function(BatchOrchestration.RecordProgress)]
    public Task<BatchStatus> RecordProgress([ActivityTrigger] BatchProgress progress, CancellationToken cancellationToken)
        => activities.RecordProgressAsync(progress, cancellationToken);

    [Function(BatchOrchestration.Finish)]
    public Task<BatchStatus> Finish([ActivityTrigger] BatchFinish finish, CancellationToken cancellationToken)
        => activities.FinishAsync(finish, cancellationToken);
}
