using System.Globalization;
using Maas.Core.Catalog;
using Maas.Core.Models;

namespace Maas.Core.Protocol.V2;

/// <summary>Open Inference Protocol V2 model metadata (<c>GET /v2/models/{name}[/versions/{v}]</c>); shapes use -1 for a variable dimension.</summary>
public sealed record V2ModelMetadata(
    string Name,
    IReadOnlyList<string> Versions,
    string Platform,
    IReadOnlyList<V2TensorMetadata> Inputs,
    IReadOnlyList<V2TensorMetadata> Outputs)
{
    /// <summary>The platform name Triton uses for ONNX models.</summary>
    public const string OnnxPlatform = "onnx_onnxv1";

    public static V2ModelMetadata From(ServedModel served)
    {
        ArgumentNullException.ThrowIfNull(served);
        return new(
            served.Model.Name,
            [.. served.Versions.Select(v => v.ToString(CultureInfo.InvariantCulture))],
            OnnxPlatform,
            [.. served.Model.Inputs.Select(V2TensorMetadata.From)],
            [.. served.Model.Outputs.Select(V2TensorMetadata.From)]);
    }
}

/// <summary>An input or output in V2 metadata: V2 datatype names; non-tensor values as <c>SEQUENCE</c> or <c>MAP</c>, which V2 cannot carry.</summary>
public sealed record V2TensorMetadata(string Name, string Datatype, IReadOnlyList<long> Shape)
{
    public static V2TensorMetadata From(TensorSignature signature) => new(
        signature.Name,
        signature.IsTensor
            ? V2DataType.NameOf(signature.ElementType) ?? ElementTypeNames.NameOf(signature.ElementType).ToUpperInvariant()
            : signature.Kind.ToString().ToUpperInvariant(),
        signature.Shape);
}
