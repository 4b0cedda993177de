namespace Maas.Core.Models;

/// <summary>What ONNX Runtime read from a graph that loaded: its signature and provenance.</summary>
public sealed record ModelInspection(
    IReadOnlyList<TensorSignature> Inputs,
    IReadOnlyList<TensorSignature> Outputs,
    long? Opset,
    string Producer,
    IReadOnlyDictionary<string, string> CustomMetadata)
{
    /// <summary>
    /// Why the graph refused the example the OpenAPI document generates for it (zeros, variable dimensions as 1), in
    /// ONNX Runtime's words; null when it ran, or when the graph gets no generated example (non-tensor inputs).
    /// </summary>
    public string? ExampleProblem { get; init; }
}
