namespace Maas.Core.Batch;

/// <summary>How many of a batch's request lines there are, and how many have answered 2xx or failed so far.</summary>
public sealed record BatchCounts(int Total, int Completed, int Failed)
{
    public static BatchCounts None { get; } = new(0, 0, 0);

    public BatchCounts Add(int completed, int failed) => this with { Completed = Completed + completed, Failed = Failed + failed };
}

/// <summary>
/// Whom a batch runs for: the caller who created it, as authenticated then (its app id, object id and app roles and
/// scopes, for the models' <c>requiredRoles</c>). A dropped file runs as <see cref="Operator"/>.
/// </summary>
public sealed record BatchCaller(string AppId, string? ObjectId, IReadOnlyList<string> Roles, IReadOnlyList<string> Scopes, bool AuthDisabled = false)
{
    /// <summary>The caller of a batch dropped into the drop container: whoever may write there operates the service.</summary>
    public static BatchCaller Operator { get; } = new("batch-drop", null, [], [], AuthDisabled: true);
}

/// <summary>Where a dropped batch's input lies and its output goes: beside it, in the drop container.</summary>
public sealed record BatchDrop(string InputBlob, string OutputBlob, string ErrorBlob);

/// <summary>
/// A batch as its table row keeps it: what it runs (input file, endpoint), for whom (owner), where it stands
/// (status, counts, timestamps, file errors) and what it produced (output and error files). Its fields follow
/// OpenAI's batch object; <see cref="Owner"/>, <see cref="Caller"/> and <see cref="Drop"/> are ours.
/// </summary>
public sealed record BatchRecord
{
    public required string Id { get; init; }

    /// <summary>The key of the caller the batch belongs to (<see cref="BatchOwner"/>); others get 404.</summary>
    public required string Owner { get; init; }

    public required BatchCaller Caller { get; init; }

    public required string Endpoint { get; init; }

    public required string InputFileId { get; init; }

    public string CompletionWindow { get; init; } = "24h";

    public BatchStatus Status { get; init; } = BatchStatus.Validating;

    public BatchCounts Counts { get; init; } = BatchCounts.None;

    public IReadOnlyList<BatchLineError> Errors { get; init; } = [];

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public string? OutputFileId { get; init; }

    public string? ErrorFileId { get; init; }

    /// <summary>Set for a dropped batch: its input and output blobs in the drop container.</summary>
    public BatchDrop? Drop { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? InProgressAt { get; init; }

    public DateTimeOffset? FinalizingAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public DateTimeOffset? FailedAt { get; init; }

    public DateTimeOffset? ExpiredAt { get; init; }

    public DateTimeOffset? CancellingAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>The record moved to <paramref name="status"/> at <paramref name="now"/>, its timestamp set; unchanged when the move is not allowed.</summary>
    public BatchRecord MoveTo(BatchStatus status, DateTimeOffset now)
    {
        if (!BatchStatuses.CanMove(Status, status))
        {
            return this;
        }

        var moved = this with { Status = status };
        return status switch
        {
            BatchStatus.InProgress => moved with { InProgressAt = now },
            BatchStatus.Finalizing => moved with { FinalizingAt = now },
            BatchStatus.Completed => moved with { CompletedAt = now },
            BatchStatus.Failed => moved with { FailedAt = now },
            BatchStatus.Expired => moved with { ExpiredAt = now },
            BatchStatus.Cancelling => moved with { CancellingAt = now },
            BatchStatus.Cancelled => moved with { CancelledAt = now },
            _ => moved,
        };
    }
}
