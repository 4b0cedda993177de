namespace Maas.Core.Monitoring;

/// <summary>What one prediction call measured. Nothing of the request's content: no tensor data, no token.</summary>
public readonly record struct PredictionRecord(
    DateTimeOffset Timestamp,
    string Model,
    string Version,
    OutcomeClass Outcome,
    TimeSpan QueueTime,
    TimeSpan InferenceTime,
    TimeSpan TotalTime,
    int BatchSize,
    long BytesIn,
    long BytesOut,
    string CallerAppId,
    string ExecutionProvider,
    TimeSpan? ColdLoadTime)
{
    /// <summary>Where predictions that named no existing model are counted, so unknown names cannot multiply rows.</summary>
    public const string UnknownModel = "_unknown";

    /// <summary>Where calls without a valid token are counted (the model they named is not trusted input).</summary>
    public const string UnauthenticatedModel = "_unauthenticated";
}
