using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Protocol;
using Maas.Core.Protocol.V2;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Benchmarks;

/// <summary>One input of a benchmark request: values fixed once, so every path sends the same tensor.</summary>
internal sealed record BenchInput(string Name, string Datatype, long[] Shape, float[]? Floats = null, long[]? Longs = null)
{
    public byte[] Bytes => Floats is not null ? MemoryMarshal.AsBytes(Floats.AsSpan()).ToArray() : MemoryMarshal.AsBytes(Longs!.AsSpan()).ToArray();

    public OrtValue ToOrtValue() => Floats is not null ? OrtValue.CreateTensorValueFromMemory(Floats, Shape) : OrtValue.CreateTensorValueFromMemory(Longs!, Shape);

    public IEnumerable<string> Elements => Floats?.Select(f => f.ToString("R", CultureInfo.InvariantCulture)) ?? Longs!.Select(l => l.ToString(CultureInfo.InvariantCulture));
}

/// <summary>A model under benchmark with one request, encoded for every wire format, and the same tensors as raw OrtValues.</summary>
internal sealed class BenchModel(string label, byte[] graph, string? localPath, IReadOnlyList<BenchInput> inputs)
{
    public string Label { get; } = label;

    public byte[] Graph { get; } = graph;

    /// <summary>Where the graph is on disk (the npm package folder), for the load-from-file baselines.</summary>
    public string? LocalPath { get; } = localPath;

    public IReadOnlyList<BenchInput> Inputs { get; } = inputs;

    public byte[] V2Json => Encoding.UTF8.GetBytes(
        "{\"inputs\":[" + string.Join(',', Inputs.Select(i => $"{{\"name\":\"{i.Name}\",\"shape\":[{string.Join(',', i.Shape)}],\"datatype\":\"{i.Datatype}\",\"data\":[{string.Join(',', i.Elements)}]}}")) + "]}");

    public (byte[] Header, byte[] Binary) V2Binary => (
        Encoding.UTF8.GetBytes("{\"inputs\":[" + string.Join(',', Inputs.Select(i => $"{{\"name\":\"{i.Name}\",\"shape\":[{string.Join(',', i.Shape)}],\"datatype\":\"{i.Datatype}\",\"parameters\":{{\"binary_data_size\":{i.Bytes.Length}}}}}"))
            + "],\"parameters\":{\"binary_data_output\":true}}"),
        [.. Inputs.SelectMany(i => i.Bytes)]);

    public byte[] Simple => Encoding.UTF8.GetBytes("{\"inputs\":{" + string.Join(',', Inputs.Select(i => $"\"{i.Name}\":{Nested(i.Elements.ToArray(), i.Shape)}")) + "}}");

    /// <summary>A prediction request as the transport would hand it to a protocol.</summary>
    public static WireRequest Wire(byte[] body, string? headerLength = null)
        => new(
            headerLength is null ? MediaTypes.Json : "application/octet-stream",
            body.Length,
            header => header == V2InferenceProtocol.HeaderContentLengthName ? headerLength : null,
            new MemoryStream(body, writable: false));

    private static string Nested(string[] elements, long[] shape)
    {
        if (shape.Length == 0)
        {
            return elements[0];
        }

        var builder = new StringBuilder();
        var offset = 0;
        Write(builder, elements, shape, 0, ref offset);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, string[] elements, long[] shape, int level, ref int offset)
    {
        builder.Append('[');
        for (var i = 0; i < shape[level]; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            if (level == shape.Length - 1)
            {
                builder.Append(elements[offset++]);
            }
            else
            {
                Write(builder, elements, shape, level + 1, ref offset);
            }
        }

        builder.Append(']');
    }

    private static class MediaTypes
    {
        public const string Json = "application/json";
    }
}
