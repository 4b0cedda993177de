using System.Globalization;
using System.Text.Json.Nodes;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.OpenApi;

namespace Maas.Core.Protocol.OpenApi;

/// <summary>
/// JSON Schemas of tensors typed from a model's signature: element types with their ranges, nested arrays whose fixed
/// dimensions are <c>minItems</c> = <c>maxItems</c>, and zero-filled example values (variable dimensions as 1).
/// </summary>
internal static class TensorSchemas
{
    /// <summary>The schema of one element: integers with their range, floating types as numbers, BOOL as boolean, BYTES as string.</summary>
    public static OpenApiSchema Element(TensorElementType type) => type switch
    {
        TensorElementType.Bool => new() { Type = JsonSchemaType.Boolean },
        TensorElementType.String => new() { Type = JsonSchemaType.String },
        TensorElementType.Float16 or TensorElementType.BFloat16 or TensorElementType.Float => new() { Type = JsonSchemaType.Number, Format = "float" },
        TensorElementType.Double => new() { Type = JsonSchemaType.Number, Format = "double" },
        TensorElementType.Int8 => Integer(sbyte.MinValue, sbyte.MaxValue, "int32"),
        TensorElementType.UInt8 => Integer(byte.MinValue, byte.MaxValue, "int32"),
        TensorElementType.Int16 => Integer(short.MinValue, short.MaxValue, "int32"),
        TensorElementType.UInt16 => Integer(ushort.MinValue, ushort.MaxValue, "int32"),
        TensorElementType.Int32 => Integer(int.MinValue, int.MaxValue, "int32"),
        TensorElementType.UInt32 => Integer(uint.MinValue, uint.MaxValue, "int64"),
        TensorElementType.Int64 => Integer(long.MinValue, long.MaxValue, "int64"),
        TensorElementType.UInt64 => Integer(ulong.MinValue, ulong.MaxValue, null),
        _ => new() { Description = $"{ElementTypeNames.NameOf(type)} elements" },
    };

    /// <summary>Nested arrays of <paramref name="signature"/>'s shape (the simple API's form); a rank-0 tensor is its element.</summary>
    public static OpenApiSchema Nested(TensorSignature signature)
    {
        if (!signature.IsTensor)
        {
            return signature.Kind == TensorKind.Map
                ? new OpenApiSchema { Type = JsonSchemaType.Object, Description = "a map, as an object with string keys" }
                : new OpenApiSchema { Type = JsonSchemaType.Array, Description = "a sequence, as an array of its elements" };
        }

        IOpenApiSchema schema = Element(signature.ElementType);
        for (var level = signature.Shape.Count - 1; level >= 0; level--)
        {
            var dim = signature.Shape[level];
            schema = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = schema,
                MinItems = dim >= 0 ? (int)dim : null,
                MaxItems = dim >= 0 ? (int)dim : null,
            };
        }

        var nested = (OpenApiSchema)schema;
        nested.Description = $"{signature.Name}: {signature.Describe()} (-1 = any size)";
        return nested;
    }

    /// <summary>A flat array of the tensor's elements (V2 <c>data</c>); its length is fixed when every dimension is.</summary>
    public static OpenApiSchema Flat(TensorSignature signature)
    {
        var count = signature.Shape.All(d => d >= 0) ? signature.Shape.Aggregate(1L, (product, dim) => product * dim) : (long?)null;
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Array,
            Items = Element(signature.ElementType),
            MinItems = count is <= int.MaxValue ? (int)count : null,
            MaxItems = count is <= int.MaxValue ? (int)count : null,
            Description = "the elements, row-major",
        };
    }

    /// <summary>A V2 <c>shape</c>: as many whole numbers as the rank (its description gives the fixed dimensions).</summary>
    public static OpenApiSchema Shape(TensorSignature signature) => new()
    {
        Type = JsonSchemaType.Array,
        Items = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
        MinItems = signature.Shape.Count,
        MaxItems = signature.Shape.Count,
        Description = $"[{string.Join(',', signature.Shape)}], -1 = any size",
    };

    /// <summary>The shape an example uses: every variable dimension as 1.</summary>
    public static long[] ExampleShape(TensorSignature signature) => [.. signature.Shape.Select(d => d < 0 ? 1 : d)];

    /// <summary>Zeros (false, "") nested by <paramref name="shape"/>.</summary>
    public static JsonNode Zeros(TensorElementType type, IReadOnlyList<long> shape, int level = 0)
    {
        if (level == shape.Count)
        {
            return Zero(type);
        }

        var array = new JsonArray();
        for (var i = 0; i < shape[level]; i++)
        {
            array.Add(Zeros(type, shape, level + 1));
        }

        return array;
    }

    /// <summary>The elements of a (possibly nested) JSON value, row-major, and the shape its nesting gives.</summary>
    public static (JsonArray Data, long[] Shape) Flatten(JsonNode? value)
    {
        var data = new JsonArray();
        var shape = new List<long>();
        var node = value;
        while (node is JsonArray { Count: > 0 } level)
        {
            shape.Add(level.Count);
            node = level[0];
        }

        if (node is JsonArray)
        {
            shape.Add(0);
        }

        Collect(value, data);
        return (data, [.. shape]);
    }

    private static void Collect(JsonNode? node, JsonArray data)
    {
        if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                Collect(item, data);
            }

            return;
        }

        data.Add(node?.DeepClone());
    }

    private static JsonValue Zero(TensorElementType type) => type switch
    {
        TensorElementType.Bool => JsonValue.Create(false),
        TensorElementType.String => JsonValue.Create(string.Empty),
        _ => JsonValue.Create(0),
    };

    private static OpenApiSchema Integer(decimal minimum, decimal maximum, string? format) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = format,
        Minimum = minimum.ToString(CultureInfo.InvariantCulture),
        Maximum = maximum.ToString(CultureInfo.InvariantCulture),
    };
}
