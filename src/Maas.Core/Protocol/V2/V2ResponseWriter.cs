using System.Globalization;
using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Json;
using Maas.Core.Models;

namespace Maas.Core.Protocol.V2;

/// <summary>
/// Encodes an Open Inference Protocol V2 inference response: outputs as flat JSON data, or as binary tensor data after the
/// JSON header when asked (<c>binary_data</c> per output or <c>binary_data_output</c>), with the header's length in
/// <c>Inference-Header-Content-Length</c>.
/// </summary>
public static class V2ResponseWriter
{
    public static EncodedResponse Write(ModelVersionRecord model, InferenceRequest request, InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        var body = new PooledBufferWriter();
        var anyBinary = false;
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", model.Name);
            writer.WriteString("model_version", model.Version.ToString(CultureInfo.InvariantCulture));
            if (request.Id is not null)
            {
                writer.WriteString("id", request.Id);
            }

            writer.WriteStartArray("outputs");
            for (var i = 0; i < result.Outputs.Count; i++)
            {
                var value = result[i];
                var info = value.GetTensorTypeAndShape();
                writer.WriteStartObject();
                writer.WriteString("name", result.Outputs[i].Name);
                writer.WriteString("datatype", V2DataType.NameOf(info.ElementDataType));
                writer.WriteStartArray("shape");
                foreach (var dim in info.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                if (result.Outputs[i].Binary)
                {
                    anyBinary = true;
                    writer.WriteStartObject("parameters");
                    writer.WriteNumber("binary_data_size", BinaryTensorData.SizeOf(value));
                    writer.WriteEndObject();
                }
                else
                {
                    writer.WritePropertyName("data");
                    JsonTensorWriter.WriteFlat(writer, value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if (!anyBinary)
        {
            return new EncodedResponse(body, MediaTypes.Json);
        }

        var headerLength = body.WrittenCount;
        for (var i = 0; i < result.Outputs.Count; i++)
        {
            if (result.Outputs[i].Binary)
            {
                BinaryTensorData.Write(body, result[i]);
            }
        }

        return new EncodedResponse(
            body,
            MediaTypes.OctetStream,
            [new(V2InferenceProtocol.HeaderContentLengthName, headerLength.ToString(CultureInfo.InvariantCulture))]);
    }
}
