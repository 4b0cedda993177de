using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maas.Cli.Input;

/// <summary>
/// One input tensor for the V2 binary tensor data extension: name, V2 datatype, shape and little-endian element bytes;
/// built from nested JSON arrays (converted to the model's datatype) or a .npy file of that datatype.
/// </summary>
public sealed record TensorInput(string Name, string Datatype, long[] Shape, byte[] Data)
{
    public static int SizeOf(string datatype) => datatype switch
    {
        "FP64" or "INT64" or "UINT64" => 8,
        "FP32" or "INT32" or "UINT32" => 4,
        "FP16" or "INT16" or "UINT16" => 2,
        "INT8" or "UINT8" or "BOOL" => 1,
        _ => throw new CliException($"--v2 cannot send {datatype} tensors in binary; call without --v2 (the simple API)."),
    };

    /// <summary>Nested arrays for input <paramref name="name"/> of V2 <paramref name="datatype"/>, flattened and encoded.</summary>
    public static TensorInput FromJson(string name, string datatype, JsonNode? value)
    {
        var shape = new List<long>();
        for (var probe = value; probe is JsonArray array; probe = array.Count > 0 ? array[0] : null)
        {
            shape.Add(array.Count);
        }

        var flat = new List<JsonNode?>();
        Flatten(value, flat);
        var size = SizeOf(datatype);
        var data = new byte[flat.Count * size];
        for (var i = 0; i < flat.Count; i++)
        {
            Encode(name, datatype, flat[i], data.AsSpan(i * size, size));
        }

        return new TensorInput(name, datatype, [.. shape], data);
    }

    private static void Flatten(JsonNode? value, List<JsonNode?> into)
    {
        if (value is JsonArray array)
        {
            foreach (var item in array)
            {
                Flatten(item, into);
            }
        }
        else
        {
            into.Add(value);
        }
    }

    private static void Encode(string name, string datatype, JsonNode? value, Span<byte> target)
    {
        try
        {
            var element = value!.AsValue();
            switch (datatype)
            {
                case "FP32": BinaryPrimitives.WriteSingleLittleEndian(target, element.GetValue<float>()); break;
                case "FP64": BinaryPrimitives.WriteDoubleLittleEndian(target, element.GetValue<double>()); break;
                case "FP16": BinaryPrimitives.WriteHalfLittleEndian(target, (Half)element.GetValue<float>()); break;
                case "INT64": BinaryPrimitives.WriteInt64LittleEndian(target, element.GetValue<long>()); break;
                case "INT32": BinaryPrimitives.WriteInt32LittleEndian(target, element.GetValue<int>()); break;
                case "INT16": BinaryPrimitives.WriteInt16LittleEndian(target, element.GetValue<short>()); break;
                case "INT8": target[0] = (byte)element.GetValue<sbyte>(); break;
                case "UINT64": BinaryPrimitives.WriteUInt64LittleEndian(target, element.GetValue<ulong>()); break;
                case "UINT32": BinaryPrimitives.WriteUInt32LittleEndian(target, element.GetValue<uint>()); break;
                case "UINT16": BinaryPrimitives.WriteUInt16LittleEndian(target, element.GetValue<ushort>()); break;
                case "UINT8": target[0] = element.GetValue<byte>(); break;
                case "BOOL": target[0] = element.GetValue<bool>() ? (byte)1 : (byte)0; break;
                default: throw new CliException($"--v2 cannot send {datatype} tensors in binary; call without --v2 (the simple API).");
            }
        }
        catch (Exception error) when (error is InvalidOperationException or FormatException or OverflowException or NullReferenceException)
        {
            throw new CliException($"input '{name}' holds {value?.ToJsonString() ?? "null"}, which is not a {datatype} value.");
        }
    }

    /// <summary>Element <paramref name="index"/> of little-endian <paramref name="data"/> as a JSON value.</summary>
    public static JsonNode? Element(string datatype, byte[] data, int index) => datatype switch
    {
        "FP32" => JsonValue.Create(BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(index * 4))),
        "FP64" => JsonValue.Create(BinaryPrimitives.ReadDoubleLittleEndian(data.AsSpan(index * 8))),
        "FP16" => JsonValue.Create((float)BinaryPrimitives.ReadHalfLittleEndian(data.AsSpan(index * 2))),
        "INT64" => JsonValue.Create(BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(index * 8))),
        "INT32" => JsonValue.Create(BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(index * 4))),
        "INT16" => JsonValue.Create(BinaryPrimitives.ReadInt16LittleEndian(data.AsSpan(index * 2))),
        "INT8" => JsonValue.Create((sbyte)data[index]),
        "UINT64" => JsonValue.Create(BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(index * 8))),
        "UINT32" => JsonValue.Create(BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(index * 4))),
        "UINT16" => JsonValue.Create(BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(index * 2))),
        "UINT8" => JsonValue.Create(data[index]),
        _ => JsonValue.Create(data[index] != 0),
    };

    /// <summary>Flat values nested by <paramref name="shape"/> (row-major).</summary>
    public static JsonNode Nest(IReadOnlyList<JsonNode?> values, IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        var offset = 0;
        return Build(0);

        JsonNode Build(int depth)
        {
            if (depth == shape.Count)
            {
                return values[offset++]!.DeepClone();
            }

            var array = new JsonArray();
            for (long i = 0; i < shape[depth]; i++)
            {
                array.Add(Build(depth + 1));
            }

            return array;
        }
    }

    /// <summary>The V2 request header for <paramref name="inputs"/> sent as binary data, and the body: header then every input's bytes.</summary>
    public static (byte[] Body, int HeaderLength) BinaryRequest(IReadOnlyList<TensorInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray([.. inputs.Select(input => (JsonNode)new JsonObject
            {
                ["name"] = input.Name,
                ["shape"] = new JsonArray([.. input.Shape.Select(d => (JsonNode)JsonValue.Create(d))]),
                ["datatype"] = input.Datatype,
                ["parameters"] = new JsonObject { ["binary_data_size"] = input.Data.Length },
            })]),
        };
        var headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
        var body = new byte[headerBytes.Length + inputs.Sum(i => i.Data.Length)];
        headerBytes.CopyTo(body, 0);
        var offset = headerBytes.Length;
        foreach (var input in inputs)
        {
            input.Data.CopyTo(body, offset);
            offset += input.Data.Length;
        }

        return (body, headerBytes.Length);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {Datatype}[{string.Join(",", Shape)}]");
}
