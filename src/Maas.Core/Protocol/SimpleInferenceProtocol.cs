using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Registry;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Protocol;

/// <summary>
/// The simple JSON API for callers that do not speak V2: <c>{"inputs": {"&lt;input&gt;": &lt;nested array&gt;}}</c> (or
/// <c>{"input": ...}</c> for a single-input model) in; <c>{"model", "version", "outputs": {"&lt;output&gt;": ...}}</c> out.
/// The nesting of each array is its shape; datatypes come from the model. Every output is returned: tensors as nested
/// arrays, sequences as arrays, maps as objects with string keys; config.json <c>labels</c> come back under <c>labels</c>.
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
            var position = new Position();
            var reader = new Utf8JsonReader(body.Span, JsonBody.Options(limits));
            try
            {
                ReadBody(ref reader, model, inputs, body.Span, position, limits);
            }
            catch (JsonException error)
            {
                throw JsonBody.Malformed(error, body.Span[position.Offset..], reader, limits);
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
            WriteLabels(writer, model, result.Outputs);
            writer.WriteEndObject();
        }

        return new EncodedResponse(body, MediaTypes.Json, null);
    }

    /// <summary>The class names config.json gives for returned outputs (<c>labels</c>), so callers can read indices as classes.</summary>
    private static void WriteLabels(Utf8JsonWriter writer, ModelVersionRecord model, IReadOnlyList<RequestedOutput> outputs)
    {
        var labelled = outputs.Where(o => model.Config.Labels.ContainsKey(o.Name)).ToList();
        if (labelled.Count == 0)
        {
            return;
        }

        writer.WriteStartObject("labels");
        foreach (var output in labelled)
        {
            writer.WriteStartArray(output.Name);
            foreach (var label in model.Config.Labels[output.Name])
            {
                writer.WriteStringValue(label);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void ReadBody(ref Utf8JsonReader reader, ModelVersionRecord model, List<InputTensor> inputs, ReadOnlySpan<byte> json, Position position, LimitsOptions limits)
    {
        JsonBody.Next(ref reader, JsonTokenType.StartObject, $"the body to be {Expected}");
        var rootStart = reader.CurrentState;
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
                var resume = reader.CurrentState;
                var afterValue = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    ReadInput(ref reader, InputValidator.FindInput(model, reader.GetString()!), inputs, json, position, limits, resume, afterValue);
                    resume = reader.CurrentState;
                    afterValue = true;
                }
            }
            else if (reader.ValueTextEquals("input"u8))
            {
                if (model.Inputs.Count != 1)
                {
                    throw JsonBody.Invalid(
                        $"Model '{model.Name}' has {model.Inputs.Count} inputs ({string.Join(", ", model.Inputs.Select(i => i.Name))}); send them by name in 'inputs'.");
                }

                ReadInput(ref reader, InputValidator.FindInput(model, model.Inputs[0].Name), inputs, json, position, limits, rootStart, afterValue: false);
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

    /// <summary>
    /// Reads one input's nested arrays; the reader is on its property name. FP32 data goes through the byte scanner when
    /// the reader can resume after it: from the state after the previous value of this object, or from the object's
    /// start state when the object closes right after the data. Otherwise, or when the scanner declines, the JSON reader decodes it.
    /// </summary>
    private static void ReadInput(
        ref Utf8JsonReader reader, TensorSignature signature, List<InputTensor> inputs, ReadOnlySpan<byte> json, Position position, LimitsOptions limits, JsonReaderState resume, bool afterValue)
    {
        var type = V2DataType.Parse(signature.Datatype);
        var nesting = limits.MaxJsonDepth - reader.CurrentDepth - 1;
        if (type == TensorElementType.Float && nesting >= 1)
        {
            var tensor = FloatArrayScanner.TryReadTensor(json, position.Offset + (int)reader.BytesConsumed, signature.Name, null, nesting, out var end);
            if (tensor is not null && (afterValue || NextIsObjectEnd(json, end)))
            {
                inputs.Add(tensor);
                reader = new Utf8JsonReader(json[end..], isFinalBlock: true, resume);
                position.Offset = end;
                return;
            }

            tensor?.Dispose();
        }

        reader.Read();
        inputs.Add(JsonTensorReader.Read(ref reader, signature.Name, type, null, json.Length - position.Offset - reader.TokenStartIndex));
    }

    private static bool NextIsObjectEnd(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i < json.Length && json[i] == (byte)'}';
    }

    /// <summary>Where in the body the current reader starts (the fast path restarts it after the data it scans).</summary>
    private sealed class Position
    {
        public int Offset { get; set; }
    }
}
