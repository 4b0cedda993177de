using System.Globalization;
using Maas.Core.Errors;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Maas.Core.Batch;

/// <summary>
/// Batch jobs, protocol-neutral: submitting one (its record first, then its orchestration, whose instance id is the
/// batch id), reading and listing an owner's batches, and cancelling. Another owner's batch is not found (404).
/// </summary>
public sealed class BatchJobs(BatchStore store, BatchFileStore files, IOptions<BatchOptions> options, TimeProvider clock)
{
    /// <summary>Largest page of <c>GET /v1/batches</c>, and the default.</summary>
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    /// <summary>
    /// Starts a batch of <paramref name="owner"/> over its file <paramref name="inputFileId"/>: 400 for an endpoint
    /// that is not a prediction path or a file that is not theirs or not a batch input. A batch whose orchestration
    /// could not be scheduled is recorded failed, not left validating.
    /// </summary>
    public async Task<BatchRecord> SubmitAsync(DurableTaskClient durable, string owner, BatchCaller caller, string endpoint, string inputFileId, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        if (BatchEndpoint.Parse(endpoint) is null)
        {
            throw new MaasException(ErrorKind.InvalidInput, $"'endpoint' {endpoint} is not a prediction path of this service; expected {BatchEndpoint.Expected}.") { Field = "endpoint" };
        }

        var file = await files.GetAsync(owner, inputFileId, cancellationToken);
        if (file is null || file.Purpose != BatchFileStore.InputPurpose)
        {
            throw new MaasException(ErrorKind.InvalidInput, $"'input_file_id' {inputFileId} names no file of yours uploaded with purpose 'batch'; upload the JSONL with POST /v1/files first.")
            {
                Field = "input_file_id",
                Code = "invalid_input_file",
            };
        }

        return await StartAsync(durable, NewRecord(owner, caller, endpoint, inputFileId, metadata, drop: null), cancellationToken);
    }

    /// <summary>Starts a batch over a file dropped into the drop container, as the operator; its output goes beside it.</summary>
    public Task<BatchRecord> SubmitDroppedAsync(DurableTaskClient durable, string endpoint, BatchDrop drop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(drop);
        var owner = BatchOwner.KeyOf(BatchCaller.Operator);
        return StartAsync(durable, NewRecord(owner, BatchCaller.Operator, endpoint, inputFileId: drop.InputBlob, metadata: null, drop), cancellationToken);
    }

    public async Task<BatchRecord> GetAsync(string owner, string id, CancellationToken cancellationToken)
        => await store.GetAsync(owner, id, cancellationToken) ?? throw NotFound(id);

    public async Task<(IReadOnlyList<BatchRecord> Page, bool HasMore)> ListAsync(string owner, string? after, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"'limit' must be between 1 and {MaxPageSize}.")) { Field = "limit" };
        }

        return await store.ListAsync(owner, after, limit ?? DefaultPageSize, cancellationToken);
    }

    /// <summary>Asks a validating or running batch to stop (status cancelling; the orchestration ends it as cancelled). Asking again changes nothing; a batch that has ended gets 409.</summary>
    public async Task<BatchRecord> CancelAsync(string owner, string id, CancellationToken cancellationToken)
    {
        var updated = await store.UpdateAsync(
            owner,
            id,
            record => record.Status is BatchStatus.Validating or BatchStatus.InProgress ? record.MoveTo(BatchStatus.Cancelling, clock.GetUtcNow()) : record,
            cancellationToken) ?? throw NotFound(id);
        return updated.Status is BatchStatus.Cancelling or BatchStatus.Cancelled
            ? updated
            : throw new MaasException(ErrorKind.NotReady, $"Batch {id} is {BatchStatuses.NameOf(updated.Status)}; only a validating or in-progress batch can be cancelled.");
    }

    private BatchRecord NewRecord(string owner, BatchCaller caller, string endpoint, string inputFileId, IReadOnlyDictionary<string, string>? metadata, BatchDrop? drop)
    {
        var now = clock.GetUtcNow();
        return new BatchRecord
        {
            Id = store.NewId(),
            Owner = owner,
            Caller = caller,
            Endpoint = endpoint,
            InputFileId = inputFileId,
            Metadata = metadata,
            Drop = drop,
            CreatedAt = now,
            ExpiresAt = now + options.Value.CompletionWindow,
        };
    }

    private async Task<BatchRecord> StartAsync(DurableTaskClient durable, BatchRecord record, CancellationToken cancellationToken)
    {
        await store.CreateAsync(record, cancellationToken);
        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(
                BatchOrchestration.Name,
                new BatchRun(record.Owner, record.Id),
                new StartOrchestrationOptions(record.Id),
                cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            var failed = new BatchLineError(0, "not_started", "The batch could not be started (the task hub did not take it); submit it again.", null);
            await store.UpdateAsync(record.Owner, record.Id, current => current.MoveTo(BatchStatus.Failed, clock.GetUtcNow()) with { Errors = [failed] }, CancellationToken.None);
            throw new MaasException(ErrorKind.Unavailable, "The batch could not be started: the task hub did not take it. Submit it again.");
        }

        return record;
    }

    private static MaasException NotFound(string id)
        => new(ErrorKind.NotFound, $"No batch {id} of yours; list yours with GET /v1/batches.") { Field = "batch_id" };
}
