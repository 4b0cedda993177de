using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Json;

namespace Maas.Core.Capture;

/// <summary>
/// A capture record as one JSON line, tensors in the simple API's shape (<c>{"name": nested arrays}</c>, NaN and
/// infinities as strings), numbers printed by the protocols' own tensor writer. Written by the background writer,
/// off the request path.
/// </summary>
public static class CaptureLine
{
    public static void Write(CaptureRecord record, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(record);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("time", record.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            writer.WriteString("requestId", record.RequestId);
            writer.WriteString("model", record.Model);
            writer.WriteNumber("version", record.Version);
            if (record.Caller is null)
            {
                writer.WriteNull("caller");
            }
            else
            {
                writer.WriteString("caller", record.Caller);
            }

            writer.WriteString("outcome", record.Outcome);
            writer.WriteNumber("latencyMs", Math.Round(record.LatencyMs, 3));
            WriteTensors(writer, "inputs", record.Inputs);
            WriteTensors(writer, "outputs", record.Outputs);
            if (record.Omitted is not null)
            {
                writer.WriteString("omitted", record.Omitted);
            }

            writer.WriteEndObject();
        }

        output.Write("\n"u8);
    }

    private static void WriteTensors(Utf8JsonWriter writer, string property, IReadOnlyList<CapturedTensor>? tensors)
    {
        if (tensors is null)
        {
            return;
        }

        writer.WriteStartObject(property);
        foreach (var tensor in tensors)
        {
            writer.WritePropertyName(tensor.Name);
            var offset = 0;
            WriteLevel(writer, tensor, 0, ref offset);
        }

        writer.WriteEndObject();
    }

    private static void WriteLevel(Utf8JsonWriter writer, CapturedTensor tensor, int level, ref int offset)
    {
        var rank = tensor.Shape.Length;
        var run = rank == 0 ? 1 : (int)tensor.Shape[rank - 1];
        if (rank == 0)
        {
            WriteRun(writer, tensor, offset, run);
            offset += run;
            return;
        }

        writer.WriteStartArray();
        if (level == rank - 1)
        {
            WriteRun(writer, tensor, offset, run);
            offset += run;
        }
        else
        {
            for (var i = 0; i < tensor.Shape[level]; i++)
            {
                WriteLevel(writer, tensor, level + 1, ref offset);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Elements [start, start + count): text as strings, numbers with the protocols' own writer.</summary>
    private static void WriteRun(Utf8JsonWriter writer, CapturedTensor tensor, int start, int count)
    {
        if (tensor.Texts is { } texts)
        {
            for (var i = start; i < start + count; i++)
            {
                writer.WriteStringValue(texts[i]);
            }

            return;
        }

        var size = TensorElements.SizeOf(tensor.ElementType);
        JsonTensorWriter.WriteNumbers(writer, tensor.ElementType, tensor.Numbers.Span.Slice(start * size, count * size));
    }
}
