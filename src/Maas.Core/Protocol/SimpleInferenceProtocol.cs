using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Registry;

namespace Maas.Core.Protocol;

/// <summary>
/// The simple JSON API for callers that do not speak V2: <c>{"inputs": {"&lt;input&gt;": &lt;nested array&gt;}}</c> (or
/// <c>{"input": ...}</c> for a single-input model) in; <c>{"model", "version", "outputs": {"&lt;output&gt;": ...}}</c> out.
/// The nesting of each array is its shape; datatypes come from the model. Every output is returned: tensors as nested
/// arrays, sequences as arrays, maps as objects with string keys.
/// </summary>
public sealed class SimpleInferenceProtocol : IInferenceProtocol
{
    private const string Expected = "{\"inputs\": {\"<input name>\": <nested array>}} or, for a single-input model, {\"input\": <nested array>}";

    public static SimpleInferenceProtocol Instance { get; } = new();

    public void CheckContentType(string? contentType) => MediaTypes.Require(contentType, MediaTypes.Json);

    public InferenceRequest Decode(ReadOnlyMemory<byte> body, string? inferenceHeaderContentLength, ModelVersionRecord model, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(limits);
        var inputs = new List<InputTensor>();
        try
        {
            var reader = new Utf8JsonReader(body.Span, JsonBody.Options(limits));
            try
            {
                ReadBody(ref reader, model, inputs, body.Length);
            }
            catch (JsonException error)
            {
                throw JsonBody.Malformed(error, body.Span, reader, limits);
            }

            return new InferenceRequest(null, inputs, [.. model.Outputs.Select(o => new RequestedOutput(o.Name, Binary: false))]);
        }
        catch
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }

            throw;
        }
    }

    public EncodedResponse Encode(ModelVersionRecord model, InferenceRequest request, InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(result);
        var body = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model.Name);
            writer.WriteNumber("version", model.Version);
            writer.WriteStartObject("outputs");
            for (var i = 0; i < result.Outputs.Count; i++)
            {
                writer.WritePropertyName(result.Outputs[i].Name);
                JsonTensorWriter.WriteNested(writer, result[i]);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return new EncodedResponse(body, MediaTypes.Json, null);
    }

    private static void ReadBody(ref Utf8JsonReader reader, ModelVersionRecord model, List<InputTensor> inputs, int length)
    {
        JsonBody.Next(ref reader, JsonTokenType.StartObject, $"the body to be {Expected}");
        var seen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (seen)
            {
                throw JsonBody.Invalid($"The body must have exactly one of 'inputs' and 'input': {Expected}.");
            }

            seen = true;
            if (reader.ValueTextEquals("inputs"u8))
            {
                JsonBody.Next(ref reader, JsonTokenType.StartObject, $"'inputs' to be an object: {Expected}");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var signature = InputValidator.FindInput(model, reader.GetString()!);
                    reader.Read();
                    inputs.Add(JsonTensorReader.Read(ref reader, signature.Name, V2DataType.Parse(signature.Datatype), null, length - reader.TokenStartIndex));
                }
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                if (model.Inputs.Count != 1)
                {
                    throw JsonBody.Invalid(
                        $"Model '{model.Name}' has {model.Inputs.Count} inputs ({string.Join(", ", model.Inputs.Select(i => i.Name))}); send them by name in 'inputs'.");
                }

                var signature = InputValidator.FindInput(model, model.Inputs[0].Name);
                reader.Read();
                inputs.Add(JsonTensorReader.Read(ref reader, signature.Name, V2DataType.Parse(signature.Datatype), null, length - reader.TokenStartIndex));
            }
            else
            {
                throw JsonBody.Invalid($"Field '{reader.GetString()}' is unknown; expected {Expected}.");
            }
        }

        if (!seen)
        {
            throw JsonBody.Invalid($"The body has no inputs; expected {Expected}.");
        }
    }
}
