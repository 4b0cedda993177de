using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Models;

/// <summary>ONNX element types by the names ONNX Runtime prints them (<c>tensor(float)</c> → <c>float</c>).</summary>
public static class ElementTypeNames
{
    private static readonly Dictionary<TensorElementType, string> Names = new()
    {
        [TensorElementType.DataTypeMax] = "none",
        [TensorElementType.Bool] = "bool",
        [TensorElementType.UInt8] = "uint8",
        [TensorElementType.UInt16] = "uint16",
        [TensorElementType.UInt32] = "uint32",
        [TensorElementType.UInt64] = "uint64",
        [TensorElementType.Int8] = "int8",
        [TensorElementType.Int16] = "int16",
        [TensorElementType.Int32] = "int32",
        [TensorElementType.Int64] = "int64",
        [TensorElementType.Float16] = "float16",
        [TensorElementType.BFloat16] = "bfloat16",
        [TensorElementType.Float] = "float",
        [TensorElementType.Double] = "double",
        [TensorElementType.String] = "string",
        [TensorElementType.Complex64] = "complex64",
        [TensorElementType.Complex128] = "complex128",
    };

    private static readonly Dictionary<string, TensorElementType> Types = Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static string NameOf(TensorElementType type) => Names.TryGetValue(type, out var name) ? name : type.ToString().ToLowerInvariant();

    public static bool TryParse(string name, out TensorElementType type) => Types.TryGetValue(name, out type);
}

/// <summary>Writes and reads an element type as its ONNX name in registry rows and management views.</summary>
internal sealed class ElementTypeJsonConverter : JsonConverter<TensorElementType>
{
    public override TensorElementType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => ElementTypeNames.TryParse(reader.GetString() ?? string.Empty, out var type) ? type : throw new JsonException("Unknown ONNX element type.");

    public override void Write(Utf8JsonWriter writer, TensorElementType value, JsonSerializerOptions options)
        => writer.WriteStringValue(ElementTypeNames.NameOf(value));
}
