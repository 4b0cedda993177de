using Maas.Core.Protocol;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Registry;

/// <summary>Proves a graph loads in ONNX Runtime and reads its signature. Throws <see cref="OnnxRuntimeException"/> or <see cref="InvalidDataException"/> when it does not load.</summary>
public static class OnnxInspector
{
    /// <summary>Inspects a model file; external data files are resolved from the same folder.</summary>
    public static ModelInspection InspectFile(string modelPath)
    {
        using var options = LoadCheckOptions();
        using var session = new InferenceSession(modelPath, options);
        using var header = File.OpenRead(modelPath);
        return Describe(session, OnnxModelHeader.ReadOpset(header));
    }

    /// <summary>Registration only proves the graph loads; optimisation happens when the serving path loads it.</summary>
    private static SessionOptions LoadCheckOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
        IntraOpNumThreads = 1,
        InterOpNumThreads = 1,
    };

    private static ModelInspection Describe(InferenceSession session, long? opset)
        => new(
            Signature(session.InputMetadata),
            Signature(session.OutputMetadata),
            opset,
            session.ModelMetadata.ProducerName,
            session.ModelMetadata.CustomMetadataMap.ToDictionary(StringComparer.Ordinal));

    private static TensorSignature[] Signature(IReadOnlyDictionary<string, NodeMetadata> nodes)
        => [.. nodes.Select(node => new TensorSignature(
            node.Key,
            node.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR
                ? V2DataType.NameOf(node.Value.ElementDataType) ?? node.Value.ElementDataType.ToString().ToUpperInvariant()
                : node.Value.OnnxValueType.ToString().Replace("ONNX_TYPE_", string.Empty, StringComparison.Ordinal),
            node.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? [.. node.Value.Dimensions.Select(d => (long)d)] : []))];
}
