using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Generation;
using Maas.Core.Serving;
using Microsoft.Extensions.Options;

namespace Maas.Core.Protocol.V2;

/// <summary>
/// The generate extension of the Open Inference Protocol, as Triton has it: <c>POST /v2/models/{name}[/versions/{v}]/generate</c>
/// takes <c>{"text_input": "...", "parameters": {"max_tokens", "temperature", "top_p", "top_k", "seed", "stop"}}</c> and
/// answers <c>{"model_name", "model_version", "text_output"}</c>; <c>/generate_stream</c> answers the same objects as
/// server-sent events, one per piece of text. Errors are V2's <c>{"error": "..."}</c>.
/// </summary>
public sealed class V2Generate(InferenceService inference, TextGenerator generator, IOptions<LimitsOptions> limits)
{
    public async Task<GenerationResponse> GenerateAsync(WireRequest request, string name, string? version, bool stream, Caller caller, PredictionMeasurement measurement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        (GenerationPrompt Prompt, CompletionOptions Options) call;
        using (var body = await RequestBody.ReadAsync(request, limits.Value.MaxRequestBytes, cancellationToken, MediaTypes.Json))
        {
            measurement.BytesIn = body.WrittenCount;
            call = Read(body.WrittenMemory.Span, stream);
        }

        var model = await inference.ResolveAsync(name, version, caller, measurement, cancellationToken);
        var submittedAt = measurement.Elapsed;
        var run = await generator.StartAsync(model, call.Prompt, call.Options, cancellationToken);
        try
        {
            var modelVersion = model.Version.ToString(CultureInfo.InvariantCulture);
            if (stream)
            {
                return new GenerationResponse(model, null, StreamAsync(run, model.Name, modelVersion, caller, measurement, submittedAt, cancellationToken), [run]);
            }

            var outcome = await run.Sequence.Completion.WaitAsync(cancellationToken);
            GenerationResponse.Meter(measurement, [run], submittedAt);
            GenerationResponse.Observe(inference, [run], requestId: null, caller, measurement);
            var output = new PooledBufferWriter();
            using (var json = new Utf8JsonWriter(output))
            {
                Write(json, model.Name, modelVersion, outcome.Text, outcome.FinishReason);
            }

            measurement.BytesOut = output.WrittenCount;
            return new GenerationResponse(model, new EncodedResponse(output, MediaTypes.Json), null, [run]);
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>An error inside a stream that has started: V2's error object as an event.</summary>
    public static byte[] ErrorEvent(string message)
        => ServerSentEvents.Data(json =>
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteEndObject();
        });

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> StreamAsync(GenerationRun run, string name, string version, Caller caller, PredictionMeasurement measurement, TimeSpan submittedAt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var piece in run.Sequence.Events.ReadAllAsync(cancellationToken))
        {
            var chunk = ServerSentEvents.Data(json => Write(json, name, version, piece.Text, piece.FinishReason));
            measurement.BytesOut += chunk.Length;
            yield return chunk;
        }

        GenerationResponse.Meter(measurement, [run], submittedAt);
        GenerationResponse.Observe(inference, [run], requestId: null, caller, measurement);
    }

    private static void Write(Utf8JsonWriter json, string name, string version, string text, string? finishReason)
    {
        json.WriteStartObject();
        json.WriteString("model_name", name);
        json.WriteString("model_version", version);
        json.WriteString("text_output", text);
        if (finishReason is not null)
        {
            json.WriteString("finish_reason", finishReason);
        }

        json.WriteEndObject();
    }

    private static (GenerationPrompt Prompt, CompletionOptions Options) Read(ReadOnlySpan<byte> body, bool stream)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException error)
        {
            throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1}); expected {{\"text_input\": \"...\", \"parameters\": {{...}}}}."));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("text_input", out var input) || input.ValueKind != JsonValueKind.String)
            {
                throw new MaasException(ErrorKind.InvalidInput, "The generate request needs \"text_input\", a string: {\"text_input\": \"...\", \"parameters\": {\"max_tokens\": 64}}.");
            }

            int? maxTokens = null;
            double temperature = 1, topP = 1;
            var topK = 0;
            long? seed = null;
            var stop = new List<string>();
            foreach (var field in root.EnumerateObject())
            {
                if (field.Name is not ("text_input" or "parameters" or "id"))
                {
                    throw new MaasException(ErrorKind.InvalidInput, $"Field '{field.Name}' is not part of a generate request; expected text_input and parameters.");
                }
            }

            if (root.TryGetProperty("parameters", out var parameters))
            {
                if (parameters.ValueKind != JsonValueKind.Object)
                {
                    throw new MaasException(ErrorKind.InvalidInput, "\"parameters\" must be an object such as {\"max_tokens\": 64, \"temperature\": 0}.");
                }

                foreach (var parameter in parameters.EnumerateObject())
                {
                    var value = parameter.Value;
                    switch (parameter.Name)
                    {
                        case "max_tokens":
                            maxTokens = value.TryGetInt32(out var max) && max >= 1 ? max : throw Invalid("max_tokens", "an integer >= 1");
                            break;
                        case "temperature":
                            temperature = value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= 0 and <= 2 and var t ? t : throw Invalid("temperature", "a number from 0 to 2");
                            break;
                        case "top_p":
                            topP = value.ValueKind == JsonValueKind.Number && value.GetDouble() is > 0 and <= 1 and var p ? p : throw Invalid("top_p", "a number above 0, at most 1");
                            break;
                        case "top_k":
                            topK = value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var k) && k >= 0 ? k : throw Invalid("top_k", "an integer >= 0");
                            break;
                        case "seed":
                            seed = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var s) ? s : throw Invalid("seed", "an integer");
                            break;
                        case "stop":
                            stop = value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0 ? [value.GetString()!]
                                : value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && e.GetString()!.Length > 0) ? [.. value.EnumerateArray().Select(e => e.GetString()!)]
                                : throw Invalid("stop", "a non-empty string or an array of them");
                            break;
                        case "stream":
                            break; // the path says whether it streams
                        default:
                            throw new MaasException(ErrorKind.InvalidInput, $"Parameter '{parameter.Name}' is not supported; expected max_tokens, temperature, top_p, top_k, seed or stop.");
                    }
                }
            }

            return (new GenerationPrompt(input.GetString(), null, null), new CompletionOptions(maxTokens, new SamplingParameters(temperature, topP, topK, seed), stop, stream));
        }
    }

    private static MaasException Invalid(string parameter, string expected) => new(ErrorKind.InvalidInput, $"Parameter '{parameter}' must be {expected}.");
}
