using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Models;

/// <summary>What a graph input or output holds: a tensor, or a value ONNX models as a sequence or a map (ZipMap's output).</summary>
[JsonConverter(typeof(TensorKindJsonConverter))]
public enum TensorKind
{
    Tensor,
    Sequence,
    Map,

    /// <summary>Optional values and anything else ONNX Runtime reports that the service cannot carry.</summary>
    Other,
}

/// <summary>Writes <see cref="TensorKind"/> as <c>tensor</c>, <c>sequence</c>, <c>map</c> or <c>other</c>.</summary>
internal sealed class TensorKindJsonConverter() : JsonStringEnumConverter<TensorKind>(JsonNamingPolicy.CamelCase, allowIntegerValues: false);

/// <summary>
/// One input or output of a model as the serving session reports it: its name, kind, ONNX element type (for tensors)
/// and shape, with -1 for a symbolic (variable) dimension. Wire formats map the element type to their own names.
/// </summary>
public sealed record TensorSignature(
    string Name,
    TensorKind Kind,
    [property: JsonConverter(typeof(ElementTypeJsonConverter))] TensorElementType ElementType,
    IReadOnlyList<long> Shape)
{
    /// <summary>A tensor of <paramref name="elementType"/> with <paramref name="shape"/>.</summary>
    public static TensorSignature Tensor(string name, TensorElementType elementType, params long[] shape) => new(name, TensorKind.Tensor, elementType, shape);

    [JsonIgnore]
    public bool IsTensor => Kind == TensorKind.Tensor;

    /// <summary>How messages and the management API name the value: <c>float[-1,4]</c>, <c>sequence</c>.</summary>
    public string Describe() => IsTensor
        ? ElementTypeNames.NameOf(ElementType) + "[" + string.Join(',', Shape) + "]"
        : Kind.ToString().ToLowerInvariant();
}
