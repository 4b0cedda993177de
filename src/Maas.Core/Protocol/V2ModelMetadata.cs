using Maas.Core.Registry;

namespace Maas.Core.Protocol;

/// <summary>Open Inference Protocol V2 model metadata (<c>GET /v2/models/{name}[/versions/{v}]</c>); shapes use -1 for a variable dimension.</summary>
public sealed record V2ModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<TensorSignature> Inputs,
    IReadOnlyList<TensorSignature> Outputs)
{
    /// <summary>The platform name Triton uses for ONNX models.</summary>
    public const string OnnxPlatform = "onnx_onnxv1";
}
