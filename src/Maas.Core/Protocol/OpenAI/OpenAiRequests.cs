using System.Globalization;
using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Generation;

namespace Maas.Core.Protocol.OpenAI;

/// <summary>A model as OpenAI's <c>model</c> field names it: <c>&lt;name&gt;</c> or <c>&lt;name&gt;/versions/&lt;v&gt;</c>.</summary>
public sealed record OpenAiModelId(string Name, string? Version)
{
    private const string VersionsSegment = "/versions/";

    public static OpenAiModelId Parse(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var at = id.IndexOf(VersionsSegment, StringComparison.Ordinal);
        return at < 0 ? new OpenAiModelId(id, null) : new OpenAiModelId(id[..at], id[(at + VersionsSegment.Length)..]);
    }

    /// <summary>The id of a version that answered, as responses name it.</summary>
    public static string Of(string name, long version) => string.Create(CultureInfo.InvariantCulture, $"{name}{VersionsSegment}{version}");
}

/// <summary>A decoded <c>/v1/chat/completions</c> or <c>/v1/completions</c> body.</summary>
public sealed record CompletionCall(OpenAiModelId Model, IReadOnlyList<GenerationPrompt> Prompts, CompletionOptions Options, bool Stream, bool IncludeUsage, bool IsChat);

/// <summary>A decoded <c>/v1/embeddings</c> body.</summary>
public sealed record EmbeddingsCall(OpenAiModelId Model, IReadOnlyList<EmbeddingInput> Inputs, bool Base64, int? Dimensions);

/// <summary>
/// Reads the OpenAI request bodies into the data plane's terms. A field of the wrong kind, out of range, or not
/// supported here is a 400 naming the field (OpenAI's <c>param</c>) and what was expected; unknown fields too, as
/// OpenAI answers them.
/// </summary>
public static class OpenAiRequests
{
    private const int MaxStopSequences = 4;
    private const double MaxTemperature = 2;

    /// <summary>Fields OpenAI defines that change nothing here when left at these values.</summary>
    private static readonly Dictionary<string, Func<JsonElement, bool>> Neutral = new(StringComparer.Ordinal)
    {
        ["frequency_penalty"] = v => v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0),
        ["presence_penalty"] = v => v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0),
        ["logprobs"] = v => v.ValueKind is JsonValueKind.Null or JsonValueKind.False,
        ["top_logprobs"] = v => v.ValueKind == JsonValueKind.Null,
        ["logit_bias"] = v => v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any()),
        ["echo"] = v => v.ValueKind is JsonValueKind.Null or JsonValueKind.False,
        ["suffix"] = v => v.ValueKind == JsonValueKind.Null,
        ["best_of"] = v => v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Number && v.GetDouble() == 1),
        ["store"] = v => v.ValueKind is JsonValueKind.Null or JsonValueKind.False,
        ["metadata"] = _ => true,
        ["service_tier"] = _ => true,
        ["parallel_tool_calls"] = _ => true,
        ["user"] = v => v.ValueKind is JsonValueKind.String or JsonValueKind.Null,
    };

    public static CompletionCall ReadChat(ReadOnlySpan<byte> body) => ReadCompletion(body, chat: true);

    public static CompletionCall ReadCompletion(ReadOnlySpan<byte> body) => ReadCompletion(body, chat: false);

    public static EmbeddingsCall ReadEmbeddings(ReadOnlySpan<byte> body)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        OpenAiModelId? model = null;
        List<EmbeddingInput>? inputs = null;
        var base64 = false;
        int? dimensions = null;
        foreach (var field in root.EnumerateObject())
        {
            switch (field.Name)
            {
                case "model":
                    model = ModelOf(field.Value);
                    break;
                case "input":
                    inputs = EmbeddingInputsOf(field.Value);
                    break;
                case "encoding_format":
                    base64 = field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() is "float" or "base64"
                        ? field.Value.GetString() == "base64"
                        : throw Invalid("encoding_format", "'encoding_format' must be \"float\" or \"base64\".");
                    break;
                case "dimensions":
                    dimensions = Integer(field.Value, "dimensions", 1);
                    break;
                case "user":
                    break;
                default:
                    throw Unknown(field.Name);
            }
        }

        return new EmbeddingsCall(model ?? throw Missing("model"), inputs ?? throw Missing("input"), base64, dimensions);
    }

    private static CompletionCall ReadCompletion(ReadOnlySpan<byte> body, bool chat)
    {
        using var document = Parse(body);
        var root = document.RootElement;
        OpenAiModelId? model = null;
        List<GenerationPrompt>? prompts = null;
        int? maxTokens = null;
        double temperature = 1, topP = 1;
        var topK = 0;
        long? seed = null;
        var stop = new List<string>();
        bool stream = false, includeUsage = false;
        foreach (var field in root.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case "model":
                    model = ModelOf(value);
                    break;
                case "messages" when chat:
                    prompts = [new GenerationPrompt(null, MessagesOf(value), null)];
                    break;
                case "prompt" when !chat:
                    prompts = PromptsOf(value);
                    break;
                case "max_tokens":
                case "max_completion_tokens" when chat:
                    maxTokens = value.ValueKind == JsonValueKind.Null ? maxTokens : Integer(value, field.Name, 1);
                    break;
                case "temperature":
                    temperature = value.ValueKind == JsonValueKind.Null ? 1 : Number(value, "temperature", 0, MaxTemperature);
                    break;
                case "top_p":
                    topP = value.ValueKind == JsonValueKind.Null ? 1 : Number(value, "top_p", 0, 1) is > 0 and var p ? p : throw Invalid("top_p", "'top_p' must be above 0 and at most 1.");
                    break;
                case "top_k":
                    topK = value.ValueKind == JsonValueKind.Null ? 0 : Integer(value, "top_k", 0);
                    break;
                case "seed":
                    seed = value.ValueKind == JsonValueKind.Null ? null : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var s) ? s : throw Invalid("seed", "'seed' must be an integer.");
                    break;
                case "stop":
                    stop = StopOf(value);
                    break;
                case "n":
                    if (value.ValueKind != JsonValueKind.Null && Integer(value, "n", 1) != 1)
                    {
                        throw Invalid("n", "'n' must be 1: this service returns one choice per prompt.");
                    }

                    break;
                case "stream":
                    stream = value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : value.ValueKind == JsonValueKind.Null ? false : throw Invalid("stream", "'stream' must be true or false.");
                    break;
                case "stream_options":
                    includeUsage = StreamOptionsOf(value);
                    break;
                default:
                    if (!Neutral.TryGetValue(field.Name, out var harmless))
                    {
                        throw Unknown(field.Name);
                    }

                    if (!harmless(value))
                    {
                        throw Invalid(field.Name, $"'{field.Name}' is not supported by this service; leave it out (or at its default).");
                    }

                    break;
            }
        }

        var sampling = new SamplingParameters(temperature, topP, topK, seed);
        return new CompletionCall(model ?? throw Missing("model"), prompts ?? throw Missing(chat ? "messages" : "prompt"), new CompletionOptions(maxTokens, sampling, stop, stream), stream, includeUsage, chat);
    }

    private static JsonDocument Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new MaasException(ErrorKind.InvalidInput, "The request body must be a JSON object.");
            }

            return document;
        }
        catch (JsonException error)
        {
            throw new MaasException(ErrorKind.InvalidInput, string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1}); expected an OpenAI request object."));
        }
    }

    private static OpenAiModelId ModelOf(JsonElement value)
        => value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } id
            ? OpenAiModelId.Parse(id)
            : throw Invalid("model", "'model' must be a model name, or <name>/versions/<version>.");

    private static List<ChatMessage> MessagesOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid("messages", "'messages' must be a non-empty array of {\"role\", \"content\"} objects.");
        }

        var messages = new List<ChatMessage>();
        foreach (var message in value.EnumerateArray())
        {
            var index = messages.Count;
            var role = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
            if (role is null || !ChatPrompt.Roles.Contains(role))
            {
                throw Invalid($"messages[{index}].role", $"messages[{index}].role must be one of {string.Join(", ", ChatPrompt.Roles)}.");
            }

            var content = message.TryGetProperty("content", out var c) ? c : default;
            messages.Add(new ChatMessage(role, content.ValueKind switch
            {
                JsonValueKind.String => content.GetString()!,
                JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(part => TextPart(part, index))),
                _ => throw Invalid($"messages[{index}].content", $"messages[{index}].content must be a string or an array of text parts."),
            }));
        }

        return messages;
    }

    private static string TextPart(JsonElement part, int index)
        => part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.GetString() == "text" && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()!
            : throw Invalid($"messages[{index}].content", $"messages[{index}].content parts must be {{\"type\": \"text\", \"text\": \"...\"}}; this model takes text only.");

    private static List<GenerationPrompt> PromptsOf(JsonElement value)
        => TextsOrTokens(value, "prompt", (text, tokens) => new GenerationPrompt(text, null, tokens));

    private static List<EmbeddingInput> EmbeddingInputsOf(JsonElement value)
        => TextsOrTokens(value, "input", (text, tokens) => new EmbeddingInput(text, tokens));

    /// <summary>
    /// A field OpenAI lets be a string, an array of strings, an array of token ids, or an array of token-id arrays
    /// (<c>prompt</c>, <c>input</c>): one item per string or token array, made by <paramref name="item"/> from its text or ids.
    /// </summary>
    private static List<T> TextsOrTokens<T>(JsonElement value, string field, Func<string?, List<int>?, T> item)
    {
        var expected = $"'{field}' must be a string, an array of strings, an array of token ids, or an array of token-id arrays.";
        if (value.ValueKind == JsonValueKind.String)
        {
            return [item(value.GetString(), null)];
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw Invalid(field, expected);
        }

        var elements = value.EnumerateArray().ToList();
        if (elements.All(element => element.ValueKind == JsonValueKind.Number))
        {
            return [item(null, TokensOf(value, field, expected))];
        }

        return [.. elements.Select(element => element.ValueKind switch
        {
            JsonValueKind.String => item(element.GetString(), null),
            JsonValueKind.Array => item(null, TokensOf(element, field, expected)),
            _ => throw Invalid(field, expected),
        })];
    }

    private static List<int> TokensOf(JsonElement array, string field, string expected)
        => array.EnumerateArray().All(id => id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out var n) && n >= 0)
            ? [.. array.EnumerateArray().Select(id => id.GetInt32())]
            : throw Invalid(field, expected);

    private static List<string> StopOf(JsonElement value)
    {
        const string Expected = "'stop' must be a string or an array of up to 4 non-empty strings.";
        return value.ValueKind switch
        {
            JsonValueKind.Null => [],
            JsonValueKind.String when value.GetString()!.Length > 0 => [value.GetString()!],
            JsonValueKind.Array when value.GetArrayLength() <= MaxStopSequences && value.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String && s.GetString()!.Length > 0)
                => [.. value.EnumerateArray().Select(s => s.GetString()!)],
            _ => throw Invalid("stop", Expected),
        };
    }

    private static bool StreamOptionsOf(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("stream_options", "'stream_options' must be an object such as {\"include_usage\": true}.");
        }

        var include = false;
        foreach (var option in value.EnumerateObject())
        {
            include = option.Name == "include_usage" && option.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? option.Value.GetBoolean()
                : throw Invalid($"stream_options.{option.Name}", "'stream_options' takes only include_usage (true or false).");
        }

        return include;
    }

    private static int Integer(JsonElement value, string field, int minimum)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= minimum
            ? number
            : throw Invalid(field, string.Create(CultureInfo.InvariantCulture, $"'{field}' must be an integer >= {minimum}."));

    private static double Number(JsonElement value, string field, double minimum, double maximum)
        => value.ValueKind == JsonValueKind.Number && value.GetDouble() is var number && number >= minimum && number <= maximum
            ? number
            : throw Invalid(field, string.Create(CultureInfo.InvariantCulture, $"'{field}' must be a number from {minimum} to {maximum}."));

    private static MaasException Invalid(string field, string message) => new(ErrorKind.InvalidInput, message) { Field = field };

    private static MaasException Missing(string field) => Invalid(field, $"'{field}' is required.");

    private static MaasException Unknown(string field) => new(ErrorKind.InvalidInput, $"Unrecognized request argument supplied: {field}.") { Field = field, Code = "unknown_parameter" };
}
