using Maas.Core.Generation;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Serving;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Protocol;

/// <summary>
/// A generation under way as a protocol answers it (OpenAI's completions, the V2 generate extension): either its whole
/// body (<see cref="Body"/>) or its server-sent events (<see cref="Events"/>), and the version that answers. Dispose it
/// when the response is written: it holds the session leases.
/// </summary>
public sealed class GenerationResponse(ModelVersionRecord model, EncodedResponse? body, IAsyncEnumerable<ReadOnlyMemory<byte>>? events, IReadOnlyList<GenerationRun> runs) : IDisposable
{
    public ModelVersionRecord Model { get; } = model;

    public EncodedResponse? Body { get; } = body;

    public IAsyncEnumerable<ReadOnlyMemory<byte>>? Events { get; } = events;

    public void Dispose()
    {
        Body?.Dispose();
        foreach (var run in runs)
        {
            run.Dispose();
        }
    }

    /// <summary>
    /// Hands a finished generative call to the prediction observers (capture records it when config.json asks): the
    /// prompts as string input <c>prompt</c> and the completions as string output <c>completion</c>, one element per
    /// choice. Every run's sequence has finished (its completion is set before its events end).
    /// </summary>
    public static void Observe(InferenceService inference, IReadOnlyList<GenerationRun> runs, string? requestId, Caller caller, PredictionMeasurement measurement)
    {
        ArgumentNullException.ThrowIfNull(inference);
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0 || runs[0].Model.Config.Capture is null)
        {
            return;
        }

        var completions = runs.Select(run => run.Sequence.Completion.Result.Text).ToList();

        using var request = new InferenceRequest(requestId, [new InputTensor(GenerationConfig.PromptField, [runs.Count], [.. runs.Select(run => System.Text.Encoding.UTF8.GetBytes(run.PromptText))])], []);
        var completion = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, [completions.Count]);
        for (var i = 0; i < completions.Count; i++)
        {
            completion.StringTensorSetElementAt(completions[i].AsSpan(), i);
        }

        using var result = new InferenceResult([new RequestedOutput(GenerationConfig.CompletionField, Binary: false)], [completion], completion);
        inference.Observe(runs[0].Model, request, result, requestId, caller, measurement, failure: null);
    }

    /// <summary>
    /// Puts the call's tokens, its time to first token (from the call's start: <paramref name="submittedAt"/> is when
    /// the sequences were submitted) and per output token, and its generation time on <paramref name="measurement"/>.
    /// </summary>
    public static void Meter(PredictionMeasurement measurement, IReadOnlyList<GenerationRun> runs, TimeSpan submittedAt)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        ArgumentNullException.ThrowIfNull(runs);
        measurement.PromptTokens = runs.Sum(run => run.Sequence.PromptTokens);
        measurement.CompletionTokens = runs.Sum(run => run.Sequence.CompletionTokens);
        var first = runs.Select(run => run.Sequence.TimeToFirstToken).Where(t => t is not null).Min();
        measurement.TimeToFirstToken = first is { } ttft ? submittedAt + ttft : null;
        var perToken = runs.Select(run => run.Sequence.TimePerOutputToken).Where(t => t is not null).ToList();
        measurement.TimePerOutputToken = perToken.Count == 0 ? null : TimeSpan.FromTicks((long)perToken.Average(t => t!.Value.Ticks));
        measurement.Inference = runs.Max(run => run.Sequence.TimeToLastToken ?? TimeSpan.Zero);
    }
}
