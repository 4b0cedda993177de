namespace Maas.Core.Monitoring;

/// <summary>What one prediction call measured. Nothing of the request's content: no tensor data, no token.</summary>
public sealed record PredictionRecord
{
    /// <summary>Where predictions that named no existing model are counted, so unknown names cannot multiply rows.</summary>
    public const string UnknownModel = "_unknown";

    /// <summary>Where calls without a valid token are counted (the model they named is not trusted input).</summary>
    public const string UnauthenticatedModel = "_unauthenticated";

    public required DateTimeOffset Timestamp { get; init; }

    public required string Model { get; init; }

    /// <summary>The version that served (empty when none was resolved).</summary>
    public required string Version { get; init; }

    public required OutcomeClass Outcome { get; init; }

    public TimeSpan QueueTime { get; init; }

    public TimeSpan InferenceTime { get; init; }

    public required TimeSpan TotalTime { get; init; }

    public int BatchSize { get; init; }

    public long BytesIn { get; init; }

    public long BytesOut { get; init; }

    public required string CallerAppId { get; init; }

    public string ExecutionProvider { get; init; } = string.Empty;

    /// <summary>Set when the call waited for its session to load.</summary>
    public TimeSpan? ColdLoadTime { get; init; }

    /// <summary>Set when the call was sampled for capture but its record was dropped (the capture queue was full).</summary>
    public bool CaptureDropped { get; init; }

    /// <summary>The call was a line of a batch job.</summary>
    public bool FromBatch { get; init; }

    /// <summary>
    /// The version failed the call: a server error, or a refusal that came from running the model. Never auth,
    /// throttling or a request the protocol refused before the model saw it. What a rollout's <c>errorRate</c> gate counts.
    /// </summary>
    public bool ModelFailed { get; init; }

    /// <summary>The call was a rollout's shadow copy of a call to the default (its answer was never returned).</summary>
    public bool Shadow { get; init; }

    /// <summary>The call's shadow copy was dropped: the shadow queue was full.</summary>
    public bool ShadowDropped { get; init; }

    /// <summary>For a shadow copy whose outputs could be compared: whether they agreed with the default's; null otherwise.</summary>
    public bool? Agreed { get; init; }

    /// <summary>Tokens of the prompt(s) or inputs a generative call read (0 for other models).</summary>
    public long PromptTokens { get; init; }

    /// <summary>Tokens a generative call generated.</summary>
    public long CompletionTokens { get; init; }

    /// <summary>From the call's start to its first generated token; null when it generated none.</summary>
    public TimeSpan? TimeToFirstToken { get; init; }

    /// <summary>Mean time per generated token after the first; null with fewer than two.</summary>
    public TimeSpan? TimePerOutputToken { get; init; }
}
