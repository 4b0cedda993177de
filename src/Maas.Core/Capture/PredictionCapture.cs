using System.Text;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Serving;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Capture;

/// <summary>
/// The request-path half of capture, a prediction observer: decides whether a call is sampled, and if so copies its
/// tensors out with each field's de-identification applied, then queues the record. The expensive half (JSON, storage)
/// is the writer's. A record dropped because the queue was full is counted in the call's measurement.
/// </summary>
public sealed partial class PredictionCapture(CaptureBuffer buffer, IOptions<CaptureOptions> options, TimeProvider clock, ILogger<PredictionCapture> logger) : IPredictionObserver
{
    public void Observe(in ObservedPrediction prediction)
        => prediction.Measurement.CaptureDropped = !Capture(
            prediction.Model, prediction.Request, prediction.Result, prediction.RequestId, prediction.Caller.AppId, PredictionMeasurement.OutcomeOf(prediction.Failure), prediction.Measurement.Elapsed);

    private readonly byte[]? _hashKey = options.Value.HasHashKey ? Encoding.UTF8.GetBytes(options.Value.HashKey!) : null;

    /// <summary>
    /// Captures the call when <paramref name="model"/>'s config samples it. False only when the record was dropped
    /// because the queue was full (the caller counts it in the call's measurement). Never throws: capture must not
    /// fail a prediction, so a fault here is logged (without data) and the record dropped.
    /// </summary>
    /// <param name="result">The outputs; null when the call failed before producing them.</param>
    /// <param name="requestId">The request's id (V2 <c>id</c> or the <c>x-request-id</c> header); a new one is made when absent.</param>
    public bool Capture(
        ModelVersionRecord model, InferenceRequest request, InferenceResult? result, string? requestId, string callerAppId, OutcomeClass outcome, TimeSpan latency)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return CaptureSampled(model, request, result, requestId, callerAppId, outcome, latency);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogCaptureFailed(logger, model.Name, model.Version, error.GetType().Name);
            buffer.CountDropped(model.Name, model.Version, "capture_failed");
            return true;
        }
    }

    private bool CaptureSampled(
        ModelVersionRecord model, InferenceRequest request, InferenceResult? result, string? requestId, string callerAppId, OutcomeClass outcome, TimeSpan latency)
    {
        if (model.Config.Capture is not { } config || !CaptureSampler.Samples(config, requestId))
        {
            return true;
        }

        if (buffer.IsFull)
        {
            buffer.CountDropped(model.Name, model.Version, "queue_full");
            return false;
        }

        var limit = config.MaxPayloadBytes ?? options.Value.MaxPayloadBytes;
        var outputs = config.Response && result is not null
            ? Enumerable.Range(0, result.Outputs.Count).Select(i => OutputTensor.Of(result.Outputs[i].Name, result[i])).OfType<OutputTensor>().ToList()
            : null;
        var payload = (config.Request ? request.Inputs.Sum(input => InputBytes(config, input)) : 0)
            + (outputs?.Sum(output => Deidentifier.PayloadBytes(ActionFor(config, output.Name), output.Elements, output.RawBytes)) ?? 0);
        var fits = payload <= limit;
        var record = new CaptureRecord(
            clock.GetUtcNow(),
            requestId ?? Guid.NewGuid().ToString("N"),
            model.Name,
            model.Version,
            _hashKey is null ? null : Deidentifier.Hash(callerAppId, _hashKey),
            System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString()),
            latency.TotalMilliseconds,
            fits && config.Request ? [.. request.Inputs.Select(input => Input(config, input)).OfType<CapturedTensor>()] : null,
            fits && outputs is not null ? [.. outputs.Select(output => Output(config, output)).OfType<CapturedTensor>()] : null,
            fits ? null : Deidentifier.Describe(payload, limit));
        return buffer.TryEnqueue(record);
    }

    private CapturedTensor? Input(CaptureConfig config, InputTensor input)
        => Deidentifier.Apply(
            ActionFor(config, input.Name),
            input.Name,
            input.ElementType,
            input.Shape,
            input.Data.Span,
            input.Strings?.Select(bytes => Encoding.UTF8.GetString(bytes)).ToList(),
            _hashKey);

    private CapturedTensor? Output(CaptureConfig config, OutputTensor output)
    {
        ReadOnlySpan<byte> numbers = output.Strings is null ? output.Value.GetTensorMutableRawData() : default;
        return Deidentifier.Apply(ActionFor(config, output.Name), output.Name, output.ElementType, output.Shape, numbers, output.Strings, _hashKey);
    }

    /// <summary>
    /// The field's action; <c>hash</c> becomes <c>drop</c> when the key has gone since registration (a setting changed):
    /// a field meant to be hidden is never kept.
    /// </summary>
    private CaptureAction ActionFor(CaptureConfig config, string tensor)
        => config.ActionFor(tensor) is var action && action == CaptureAction.Hash && _hashKey is null ? CaptureAction.Drop : action;

    private long InputBytes(CaptureConfig config, InputTensor input)
        => Deidentifier.PayloadBytes(ActionFor(config, input.Name), input.ElementCount, input.Strings?.Sum(s => (long)s.Length) ?? input.Data.Length);

    /// <summary>
    /// A tensor output read once, for both its size and its capture: type, shape and, for a string tensor, its strings.
    /// A sequence or map output is left out of the record.
    /// </summary>
    private sealed record OutputTensor(string Name, OrtValue Value, TensorElementType ElementType, long[] Shape, long Elements, IReadOnlyList<string>? Strings)
    {
        public long RawBytes => Strings?.Sum(text => (long)text.Length) ?? Elements * TensorElements.SizeOf(ElementType);

        public static OutputTensor? Of(string name, OrtValue value)
        {
            if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                return null;
            }

            var info = value.GetTensorTypeAndShape();
            var strings = info.ElementDataType == TensorElementType.String
                ? Enumerable.Range(0, (int)info.ElementCount).Select(i => value.GetStringElement(i)).ToList()
                : null;
            return new OutputTensor(name, value, info.ElementDataType, info.Shape, info.ElementCount, strings);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Capturing a call of {ModelName} version {ModelVersion} failed ({ExceptionType}); the record is dropped, the prediction unaffected")]
    private static partial void LogCaptureFailed(ILogger logger, string modelName, long modelVersion, string exceptionType);
}
