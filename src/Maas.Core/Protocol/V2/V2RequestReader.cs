using System.Globalization;
using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Json;
using Maas.Core.Models;
using Maas.Core.Serving;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Protocol.V2;

/// <summary>
/// Decodes an Open Inference Protocol V2 inference request, JSON or with the binary tensor data extension:
/// <c>Inference-Header-Content-Length</c> splits the body into a JSON header and the inputs' bytes in order
/// (<c>parameters.binary_data_size</c> each). A pure function of the bytes, the model's signature and the limits.
/// </summary>
public static class V2RequestReader
{
    public static InferenceRequest Decode(ReadOnlyMemory<byte> body, string? inferenceHeaderContentLength, ModelVersionRecord model, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(limits);
        var jsonLength = JsonLengthOf(inferenceHeaderContentLength, body.Length);
        var json = body[..jsonLength];
        var header = new Header();
        var cursor = new JsonCursor(json);
        try
        {
            var reader = new Utf8JsonReader(json.Span, JsonBody.Options(limits.MaxJsonDepth));
            try
            {
                ReadHeader(ref reader, header, cursor, limits);
            }
            catch (JsonException error)
            {
                throw JsonBody.Malformed(error, cursor.Rest, reader, limits.MaxJsonDepth);
            }

            var inputs = AttachData(header.Inputs, json, body[jsonLength..], limits);
            return new InferenceRequest(header.Id, inputs, RequestedOutputs(header, model));
        }
        catch
        {
            foreach (var input in header.Inputs)
            {
                input.Tensor?.Dispose();
            }

            throw;
        }
    }

    private static int JsonLengthOf(string? header, int bodyLength)
    {
        if (header is null)
        {
            return bodyLength;
        }

        return int.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length >= 1 && length <= bodyLength
            ? length
            : throw JsonBody.Invalid(string.Create(CultureInfo.InvariantCulture, $"{V2InferenceProtocol.HeaderContentLengthName} must be a whole number of bytes from 1 to the body length ({bodyLength})."));
    }

    private static void ReadHeader(ref Utf8JsonReader reader, Header header, JsonCursor cursor, LimitsOptions limits)
    {
        JsonBody.Next(ref reader, JsonTokenType.StartObject, "the request body to be a JSON object with 'inputs'");
        var sawInputs = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonBody.NameIs(ref reader, "id"u8))
            {
                reader.Read();
                header.Id = JsonBody.String(ref reader, "id");
            }
            else if (JsonBody.NameIs(ref reader, "parameters"u8))
            {
                JsonBody.Next(ref reader, JsonTokenType.StartObject, "'parameters' to be an object");
                while (JsonBody.SeekProperty(ref reader, "binary_data_output"u8))
                {
                    header.BinaryOutputs = JsonBody.Bool(ref reader, "parameters.binary_data_output");
                }
            }
            else if (JsonBody.NameIs(ref reader, "inputs"u8))
            {
                sawInputs = true;
                JsonBody.Next(ref reader, JsonTokenType.StartArray, "'inputs' to be an array of tensors");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var input = new PendingInput(header.Inputs.Count);
                    header.Inputs.Add(input);
                    ReadInput(ref reader, input, cursor, limits);
                }
            }
            else if (JsonBody.NameIs(ref reader, "outputs"u8))
            {
                JsonBody.Next(ref reader, JsonTokenType.StartArray, "'outputs' to be an array of {\"name\": ...} objects");
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    header.Outputs.Add(ReadOutput(ref reader));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (!sawInputs)
        {
            throw JsonBody.Invalid("The request has no 'inputs'; expected {\"inputs\": [{\"name\", \"shape\", \"datatype\", \"data\"}]}.");
        }
    }

    private static void ReadInput(ref Utf8JsonReader reader, PendingInput input, JsonCursor cursor, LimitsOptions limits)
    {
        JsonBody.Expect(ref reader, JsonTokenType.StartObject, $"inputs[{input.Index}] to be an object with name, shape, datatype and data");
        for (var resume = ResumePoint.AtObjectStart(reader); reader.Read() && reader.TokenType == JsonTokenType.PropertyName; resume = ResumePoint.AfterValueOf(reader))
        {
            if (JsonBody.NameIs(ref reader, "name"u8))
            {
                reader.Read();
                input.Name = JsonBody.String(ref reader, $"inputs[{input.Index}].name");
            }
            else if (JsonBody.NameIs(ref reader, "datatype"u8))
            {
                reader.Read();
                var datatype = JsonBody.String(ref reader, $"inputs[{input.Index}].datatype");
                input.Type = V2DataType.TryParse(datatype, out var type)
                    ? type
                    : throw JsonBody.Invalid($"Input '{input.Label}' has datatype '{datatype}'; expected one of {V2DataType.AllNames}.");
            }
            else if (JsonBody.NameIs(ref reader, "shape"u8))
            {
                input.Shape = ReadShape(ref reader, input.Label);
            }
            else if (JsonBody.NameIs(ref reader, "parameters"u8))
            {
                JsonBody.Next(ref reader, JsonTokenType.StartObject, $"inputs[{input.Index}].parameters to be an object");
                while (JsonBody.SeekProperty(ref reader, "binary_data_size"u8))
                {
                    input.BinarySize = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var size) && size >= 0
                        ? size
                        : throw JsonBody.Invalid($"Input '{input.Label}' parameters.binary_data_size must be a whole number of bytes.");
                }
            }
            else if (JsonBody.NameIs(ref reader, "data"u8))
            {
                if (input is { Name: { } name, Type: { } type, Shape: { } shape })
                {
                    // The usual field order (name, shape, datatype, data): decode in the same pass.
                    input.Tensor = JsonTensorReader.ReadProperty(ref reader, cursor, resume, name, type, shape, limits.MaxJsonDepth);
                }
                else
                {
                    reader.Read();
                    input.DataStart = cursor.Offset + (int)reader.TokenStartIndex;
                    reader.Skip();
                    input.DataEnd = cursor.Offset + (int)reader.BytesConsumed;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static long[] ReadShape(ref Utf8JsonReader reader, string label)
    {
        JsonBody.Next(ref reader, JsonTokenType.StartArray, $"input '{label}' shape to be an array of whole numbers");
        var shape = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            shape.Add(reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var dim)
                ? dim
                : throw JsonBody.Invalid($"Input '{label}' shape must be an array of whole numbers."));
        }

        long[] result = [.. shape];
        TensorElements.CountOf(label, result);
        return result;
    }

    private static (string Name, bool? Binary) ReadOutput(ref Utf8JsonReader reader)
    {
        JsonBody.Expect(ref reader, JsonTokenType.StartObject, "each of 'outputs' to be an object with a 'name'");
        string? name = null;
        bool? binary = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (JsonBody.NameIs(ref reader, "name"u8))
            {
                reader.Read();
                name = JsonBody.String(ref reader, "outputs[].name");
            }
            else if (JsonBody.NameIs(ref reader, "parameters"u8))
            {
                JsonBody.Next(ref reader, JsonTokenType.StartObject, "outputs[].parameters to be an object");
                while (JsonBody.SeekProperty(ref reader, "binary_data"u8))
                {
                    binary = JsonBody.Bool(ref reader, "outputs[].parameters.binary_data");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (name ?? throw JsonBody.Invalid("Each of 'outputs' needs a 'name'."), binary);
    }

    /// <summary>Gives every input its data: decoded JSON (deferred when 'data' came before name, shape or datatype) or its slice of the binary section.</summary>
    private static List<InputTensor> AttachData(List<PendingInput> pending, ReadOnlyMemory<byte> json, ReadOnlyMemory<byte> binary, LimitsOptions limits)
    {
        var offset = 0;
        foreach (var input in pending)
        {
            var name = input.Name ?? throw JsonBody.Invalid($"inputs[{input.Index}] has no 'name'.");
            var type = input.Type ?? throw JsonBody.Invalid($"Input '{name}' has no 'datatype'; expected one of {V2DataType.AllNames}.");
            var shape = input.Shape ?? throw JsonBody.Invalid($"Input '{name}' has no 'shape'.");
            var hasJsonData = input.Tensor is not null || input.DataStart >= 0;
            if (input.BinarySize is { } size)
            {
                if (hasJsonData)
                {
                    throw JsonBody.Invalid($"Input '{name}' has both 'data' and parameters.binary_data_size; send one.");
                }

                if (size > binary.Length - offset)
                {
                    throw JsonBody.Invalid(string.Create(
                        CultureInfo.InvariantCulture,
                        $"The binary section is shorter than announced: input '{name}' needs bytes {offset} to {offset + size} but only {binary.Length} bytes follow the JSON header."));
                }

                input.Tensor = BinaryTensorData.Read(name, type, shape, binary.Slice(offset, size));
                offset += size;
            }
            else if (input.DataStart >= 0)
            {
                var reader = new Utf8JsonReader(json.Span[input.DataStart..input.DataEnd], JsonBody.Options(limits.MaxJsonDepth));
                reader.Read();
                input.Tensor = JsonTensorReader.Read(ref reader, name, type, shape, input.DataEnd - input.DataStart);
            }
            else if (input.Tensor is null)
            {
                throw JsonBody.Invalid($"Input '{name}' has no 'data' and no parameters.binary_data_size.");
            }
        }

        if (offset != binary.Length)
        {
            throw JsonBody.Invalid(string.Create(
                CultureInfo.InvariantCulture,
                $"The binary section is longer than announced: the inputs' binary_data_size add up to {offset} bytes but {binary.Length} bytes follow the JSON header."));
        }

        return [.. pending.Select(input => input.Tensor!)];
    }

    private static List<RequestedOutput> RequestedOutputs(Header header, ModelVersionRecord model)
    {
        IEnumerable<(string Name, bool? Binary)> asked = header.Outputs.Count > 0
            ? header.Outputs
            : model.Outputs.Select(o => (o.Name, (bool?)null));
        var outputs = new List<RequestedOutput>();
        foreach (var (name, binary) in asked)
        {
            var signature = InputValidator.FindOutput(model, name);
            if (!signature.IsTensor || V2DataType.NameOf(signature.ElementType) is null)
            {
                throw JsonBody.Invalid(
                    $"Output '{name}' is a {signature.Describe()}, which the V2 protocol cannot carry; name only tensor outputs in 'outputs', or use POST /models/{model.Name}/predict.");
            }

            outputs.Add(new RequestedOutput(name, binary ?? header.BinaryOutputs));
        }

        return outputs;
    }

    private sealed class Header
    {
        public string? Id { get; set; }

        public bool BinaryOutputs { get; set; }

        public List<PendingInput> Inputs { get; } = [];

        public List<(string Name, bool? Binary)> Outputs { get; } = [];
    }

    /// <summary>An input as its JSON header is read; its data may come later (deferred JSON or the binary section).</summary>
    private sealed class PendingInput(int index)
    {
        public int Index { get; } = index;

        public string? Name { get; set; }

        public string Label => Name ?? string.Create(CultureInfo.InvariantCulture, $"inputs[{Index}]");

        public TensorElementType? Type { get; set; }

        public long[]? Shape { get; set; }

        public int? BinarySize { get; set; }

        public InputTensor? Tensor { get; set; }

        public int DataStart { get; set; } = -1;

        public int DataEnd { get; set; } = -1;
    }
}
