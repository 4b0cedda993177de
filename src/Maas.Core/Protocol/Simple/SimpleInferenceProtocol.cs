using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Json;
using Maas.Core.Models;
using Maas.Core.Serving;
using Microsoft.Extensions.Options;

namespace Maas.Core.Protocol.Simple;

/// <summary>
/// The simple JSON API for callers that do not speak V2: <c>{"inputs": {"&lt;input&gt;": &lt;nested array&gt;}}</c> (or
/// <c>{"input": ...}</c> for a single-input model) in; <c>{"model", "version", "outputs": {"&lt;output&gt;": ...}}</c> out.
/// The nesting of each array is its shape; datatypes come from the model. Every output is returned: tensors as nested
/// arrays, sequences as arrays, maps as objects with string keys; config.json <c>labels</c> come back under <c>labels</c>.
/// The classic Flask contract (<c>{"input": x}</c> → <c>{"output": y}</c>) works unchanged: a request in the single-input
/// form also gets <c>"output"</c>, the model's only output or the one the request names with <c>"output": "&lt;name&gt;"</c>.
/// </summary>
public sealed class SimpleInferenceProtocol(IOptions<LimitsOptions> limits) : IInferenceProtocol
{
    private const string Expected = "{\"inputs\": {\"<input name>\": <nested array>}} or, for a single-input model, {\"input\": <nested array>}";

    /// <summary>The field a request names the output to answer as <c>"output"</c> with.</summary>
    public const string OutputField = "output";

    public async Task<InferenceRequest> ReadRequestAsync(WireRequest request, ModelVersionRecord model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var body = await RequestBody.ReadAsync(request, limits.Value.MaxRequestBytes, cancellationToken, MediaTypes.Json);
        var decoded = Decode(body.WrittenMemory, model, limits.Value);
        return new InferenceRequest(decoded.Id, decoded.Inputs, decoded.Outputs) { BodyBytes = body.WrittenCount, SingleOutput = decoded.SingleOutput };
    }

    public EncodedResponse WriteResponse(ModelVersionRecord model, InferenceRequest request, InferenceResult result)
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
            for (var i = 0; i < result.Outputs.Count; i++)
            {
                if (result.Outputs[i].Name == request?.SingleOutput)
                {
                    writer.WritePropertyName(OutputField);
                    JsonTensorWriter.WriteNested(writer, result[i]);
                }
            }

            WriteLabels(writer, model, result.Outputs);
            writer.WriteEndObject();
        }

        return new EncodedResponse(body, MediaTypes.Json);
    }

    /// <summary>Decodes a body: a pure function of the bytes, the model's signature and the limits. Inputs hold copies, not the body.</summary>
    public static InferenceRequest Decode(ReadOnlyMemory<byte> body, ModelVersionRecord model, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(limits);
        var inputs = new List<InputTensor>();
        try
        {
            var cursor = new JsonCursor(body);
            var reader = new Utf8JsonReader(body.Span, JsonBody.Options(limits.MaxJsonDepth));
            string? singleOutput;
            try
            {
                singleOutput = ReadBody(ref reader, model, inputs, cursor, limits);
            }
            catch (JsonException error)
            {
                throw JsonBody.Malformed(error, cursor.Rest, reader, limits.MaxJsonDepth);
            }

            return new InferenceRequest(null, inputs, [.. model.Outputs.Select(o => new RequestedOutput(o.Name, Binary: false))]) { SingleOutput = singleOutput };
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

    /// <summary>Reads the inputs into <paramref name="inputs"/>; returns the output to answer as <c>"output"</c>, if any.</summary>
    private static string? ReadBody(ref Utf8JsonReader reader, ModelVersionRecord model, List<InputTensor> inputs, JsonCursor cursor, LimitsOptions limits)
    {
        JsonBody.Next(ref reader, JsonTokenType.StartObject, $"the body to be {Expected}");
        bool? singleInput = null;
        string? namedOutput = null;
        for (var root = ResumePoint.AtObjectStart(reader); reader.Read() && reader.TokenType == JsonTokenType.PropertyName; root = ResumePoint.AfterValueOf(reader))
        {
            if (JsonBody.NameIs(ref reader, "output"u8))
            {
                JsonBody.Next(ref reader, JsonTokenType.String, $"'output' to be the name of an output ({OutputNames(model)})");
                namedOutput = InputValidator.FindOutput(model, reader.GetString()!).Name;
                continue;
            }

            var isInputs = JsonBody.NameIs(ref reader, "inputs"u8);
            if (!isInputs && !JsonBody.NameIs(ref reader, "input"u8))
            {
                throw JsonBody.Invalid($"Field '{JsonBody.Text(ref reader, "A field name")}' is unknown; expected {Expected}.");
            }

            if (singleInput is not null)
            {
                throw JsonBody.Invalid($"The body must have exactly one of 'inputs' and 'input': {Expected}.");
            }

            singleInput = !isInputs;
            if (isInputs)
            {
                JsonBody.Next(ref reader, JsonTokenType.StartObject, $"'inputs' to be an object: {Expected}");
                for (var resume = ResumePoint.AtObjectStart(reader); reader.Read() && reader.TokenType == JsonTokenType.PropertyName; resume = ResumePoint.AfterValueOf(reader))
                {
                    var signature = InputValidator.FindInput(model, JsonBody.Text(ref reader, "An input name"));
                    inputs.Add(JsonTensorReader.ReadProperty(ref reader, cursor, resume, signature.Name, signature.ElementType, shape: null, limits.MaxJsonDepth));
                }
            }
            else
            {
                if (model.Inputs.Count != 1)
                {
                    throw JsonBody.Invalid(
                        $"Model '{model.Name}' has {model.Inputs.Count} inputs ({string.Join(", ", model.Inputs.Select(i => i.Name))}); send them by name in 'inputs'.");
                }

                var signature = InputValidator.FindInput(model, model.Inputs[0].Name);
                inputs.Add(JsonTensorReader.ReadProperty(ref reader, cursor, root, signature.Name, signature.ElementType, shape: null, limits.MaxJsonDepth));
            }
        }

        if (singleInput is null)
        {
            throw JsonBody.Invalid($"The body has no inputs; expected {Expected}.");
        }

        return namedOutput ?? (singleInput.Value ? OnlyOutput(model) : null);
    }

    /// <summary>The output a single-input request answers as <c>"output"</c> when it names none: the model's only one (400 when it has several).</summary>
    private static string OnlyOutput(ModelVersionRecord model) => model.Outputs.Count == 1
        ? model.Outputs[0].Name
        : throw JsonBody.Invalid(
            $"Model '{model.Name}' has {model.Outputs.Count} outputs ({OutputNames(model)}); name the one to answer as 'output': {{\"input\": <nested array>, \"output\": \"<output name>\"}}, or send {{\"inputs\": {{...}}}} to get every output under 'outputs'.");

    private static string OutputNames(ModelVersionRecord model) => string.Join(", ", model.Outputs.Select(o => o.Name));
}
