namespace Maas.Core.Protocol;

/// <summary>What the transport hands the data plane for one prediction: the route values, the headers that matter, the body.</summary>
/// <param name="InferenceHeaderContentLength">The raw <c>Inference-Header-Content-Length</c> header (binary tensor data extension), when sent.</param>
public sealed record PredictionCall(
    string ModelName,
    string? Version,
    string? ContentType,
    long? ContentLength,
    string? InferenceHeaderContentLength,
    Stream Body)
{
    /// <summary>Who calls; checked against the model's <c>requiredRoles</c> and carried into monitoring.</summary>
    public Caller Caller { get; init; } = Caller.Anonymous;
}
