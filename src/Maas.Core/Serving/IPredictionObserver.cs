using Maas.Core.Inference;
using Maas.Core.Models;

namespace Maas.Core.Serving;

/// <summary>
/// Something that takes each finished prediction off the data plane (capture, drift; later metering, shadow traffic).
/// The data plane knows observers, not features: a new one is a registration, not a change to <see cref="InferenceService"/>.
/// An observer runs on the request thread after the response is encoded, so it only copies and queues, and never throws.
/// </summary>
public interface IPredictionObserver
{
    void Observe(in ObservedPrediction prediction);
}

/// <summary>A finished prediction as its observers see it.</summary>
/// <param name="Result">The outputs; null when the call failed before producing them.</param>
/// <param name="RequestId">The caller's request id (V2 <c>id</c> or the <c>x-request-id</c> header), if any.</param>
/// <param name="Failure">What the call ended with; null for success.</param>
public readonly record struct ObservedPrediction(
    ModelVersionRecord Model, InferenceRequest Request, InferenceResult? Result, string? RequestId, Caller Caller, PredictionMeasurement Measurement, Exception? Failure)
{
    /// <summary>Whether the call was answered with its outputs.</summary>
    public bool Answered => Result is not null && Failure is null;
}
