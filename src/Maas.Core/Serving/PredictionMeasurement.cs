using System.Diagnostics;
using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Registry;

namespace Maas.Core.Serving;

/// <summary>
/// What one prediction call has measured so far, filled in as it goes (the data plane sets the model, batch and
/// timings; the transport the bytes and the caller). <see cref="ToRecord"/> turns it into the one monitoring record
/// of the call, whatever its outcome, refusals by authentication included.
/// </summary>
public sealed class PredictionMeasurement
{
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <param name="requestedModel">The model name the route named (untrusted until resolved).</param>
    public PredictionMeasurement(string requestedModel) => RequestedModel = requestedModel;

    public string RequestedModel { get; }

    /// <summary>The version that was resolved to serve the call; null until then.</summary>
    public ModelVersionRecord? Model { get; set; }

    public string CallerAppId { get; set; } = Caller.Anonymous.AppId;

    public long BytesIn { get; set; }

    public long BytesOut { get; set; }

    public int BatchSize { get; set; } = 1;

    public string ExecutionProvider { get; set; } = string.Empty;

    public TimeSpan Queue { get; set; }

    public TimeSpan Inference { get; set; }

    public TimeSpan? ColdLoad { get; set; }

    /// <summary>Set when the call was sampled for capture but its record was dropped (the capture queue was full).</summary>
    public bool CaptureDropped { get; set; }

    /// <summary>Where a copy of this call runs when it went to the default during a rollout with a shadow; null otherwise.</summary>
    public ShadowTarget? Shadow { get; set; }

    /// <summary>Set when the call's shadow copy was dropped (the shadow queue was full).</summary>
    public bool ShadowDropped { get; set; }

    /// <summary>Set for a line of a batch job (run without HTTP), so monitoring can tell batch work from live calls.</summary>
    public bool FromBatch { get; set; }

    /// <summary>Tokens read by a generative call (prompts, or embedding inputs).</summary>
    public long PromptTokens { get; set; }

    /// <summary>Tokens a generative call generated.</summary>
    public long CompletionTokens { get; set; }

    /// <summary>From the call's start to its first generated token.</summary>
    public TimeSpan? TimeToFirstToken { get; set; }

    /// <summary>Mean time per generated token after the first.</summary>
    public TimeSpan? TimePerOutputToken { get; set; }

    /// <summary>Time since the call started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>
    /// The record of the finished call. Unauthenticated calls count under <see cref="PredictionRecord.UnauthenticatedModel"/>
    /// and calls naming no existing model under <see cref="PredictionRecord.UnknownModel"/>, so callers cannot multiply rows.
    /// </summary>
    /// <param name="failure">What the call ended with: null for success, an expected failure (<see cref="MaasException"/>), or anything else (a server error).</param>
    public PredictionRecord ToRecord(DateTimeOffset now, Exception? failure)
    {
        var expected = failure is null ? null : MaasException.Of(failure);
        return RecordOf(now, OutcomeOf(failure), expected?.Kind, expected?.FromModel == true);
    }

    /// <summary>The outcome class of a call that ended with <paramref name="failure"/> (null for success).</summary>
    public static OutcomeClass OutcomeOf(Exception? failure)
        => failure is null ? OutcomeClass.Ok : MaasException.Of(failure)?.Kind is { } known ? OutcomeClasses.Of(known) : OutcomeClass.ServerError;

    private PredictionRecord RecordOf(DateTimeOffset now, OutcomeClass outcome, ErrorKind? failure, bool fromModel) => new()
    {
        Timestamp = now,
        Model = Model?.Name ?? failure switch
        {
            ErrorKind.Unauthenticated => PredictionRecord.UnauthenticatedModel,
            ErrorKind.NotFound => PredictionRecord.UnknownModel,
            _ => ModelBlobPath.IsValidName(RequestedModel) ? RequestedModel : PredictionRecord.UnknownModel,
        },
        Version = Model?.Version.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        Outcome = outcome,
        QueueTime = Queue,
        InferenceTime = Inference,
        TotalTime = Stopwatch.GetElapsedTime(_started),
        BatchSize = Model is null ? 0 : BatchSize,
        BytesIn = BytesIn,
        BytesOut = BytesOut,
        CallerAppId = CallerAppId,
        ExecutionProvider = ExecutionProvider,
        ColdLoadTime = ColdLoad,
        CaptureDropped = CaptureDropped,
        FromBatch = FromBatch,
        ShadowDropped = ShadowDropped,
        ModelFailed = Model is not null && (outcome == OutcomeClass.ServerError || fromModel),
        PromptTokens = PromptTokens,
        CompletionTokens = CompletionTokens,
        TimeToFirstToken = TimeToFirstToken,
        TimePerOutputToken = TimePerOutputToken,
    };
}
