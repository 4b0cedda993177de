namespace Maas.Core.Registry;

/// <summary>What ONNX Runtime read from a graph that loaded: its signature and provenance.</summary>
public sealed record ModelInspection(
    IReadOnlyList<TensorSignature> Inputs,
    IReadOnlyList<TensorSignature> Outputs,
    long? Opset,
    string Producer,
    IReadOnlyDictionary<string, string> CustomMetadata);
