using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Protocol.V2;

/// <summary>Open Inference Protocol V2 datatype names and their ONNX tensor element types.</summary>
public static class V2DataType
{
    private static readonly Dictionary<TensorElementType, string> Names = new()
    {
        [TensorElementType.Bool] = "BOOL",
        [TensorElementType.UInt8] = "UINT8",
        [TensorElementType.UInt16] = "UINT16",
        [TensorElementType.UInt32] = "UINT32",
        [TensorElementType.UInt64] = "UINT64",
        [TensorElementType.Int8] = "INT8",
        [TensorElementType.Int16] = "INT16",
        [TensorElementType.Int32] = "INT32",
        [TensorElementType.Int64] = "INT64",
        [TensorElementType.Float16] = "FP16",
        [TensorElementType.BFloat16] = "BF16",
        [TensorElementType.Float] = "FP32",
        [TensorElementType.Double] = "FP64",
        [TensorElementType.String] = "BYTES",
    };

    private static readonly Dictionary<string, TensorElementType> Types = Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The V2 name of an ONNX element type, or null when V2 has none.</summary>
    public static string? NameOf(TensorElementType type) => Names.GetValueOrDefault(type);

    public static bool TryParse(string name, out TensorElementType type) => Types.TryGetValue(name, out type);

    /// <summary>The ONNX element type of a V2 datatype name the registry recorded for a tensor.</summary>
    public static TensorElementType Parse(string name)
        => TryParse(name, out var type) ? type : throw new ArgumentException($"'{name}' is not a V2 tensor datatype.", nameof(name));

    /// <summary>Every V2 datatype name, for error messages.</summary>
    public static string AllNames => string.Join(", ", Names.Values);
}
