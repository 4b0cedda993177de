using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maas.Core.Models;

/// <summary>What a generative model folder serves through the OpenAI-compatible API.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GenerationTask>))]
public enum GenerationTask
{
    /// <summary>A decoder-only causal language model with a key/value cache: completions and chat completions.</summary>
    [JsonStringEnumMemberName("text-generation")]
    TextGeneration,

    /// <summary>An encoder whose hidden states (or pooled output) become one vector per input: embeddings.</summary>
    [JsonStringEnumMemberName("embeddings")]
    Embeddings,
}

/// <summary>How an encoder's per-token hidden states become one vector.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EmbeddingPooling>))]
public enum EmbeddingPooling
{
    /// <summary>The mean of the tokens the attention mask keeps.</summary>
    [JsonStringEnumMemberName("mean")]
    Mean,

    /// <summary>The first token's state ([CLS]).</summary>
    [JsonStringEnumMemberName("cls")]
    Cls,

    /// <summary>The last kept token's state.</summary>
    [JsonStringEnumMemberName("last")]
    Last,
}

/// <summary>
/// config.json <c>generation</c>: the model is a text generator or an embedder served under <c>/v1</c>. The tokenizer
/// files sit beside <c>model.onnx</c>; registration checks them against the graph.
/// </summary>
public sealed record GenerationConfig
{
    public const int DefaultMaxTokensDefault = 256;

    /// <summary>The field capture records a generative call's prompt under (config.json <c>capture.fields</c> names it).</summary>
    public const string PromptField = "prompt";

    /// <summary>The field capture records a generative call's completion under.</summary>
    public const string CompletionField = "completion";
    public const int DefaultMaxConcurrentSequences = 8;

    public GenerationTask Task { get; init; } = GenerationTask.TextGeneration;

    /// <summary>The most tokens prompt and completion may hold together; null: the graph's own limit or genai_config.json's <c>context_length</c>.</summary>
    public int? MaxContextTokens { get; init; }

    /// <summary>Completion tokens when a request names no <c>max_tokens</c>.</summary>
    public int DefaultMaxTokens { get; init; } = DefaultMaxTokensDefault;

    /// <summary>Token ids that end a completion (with <c>finish_reason: stop</c>), beyond the tokenizer's end-of-sequence token.</summary>
    public IReadOnlyList<int> EosTokens { get; init; } = [];

    /// <summary>Texts that end a completion, not included in it; a request's <c>stop</c> adds to them.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>A named chat format (<c>chatml</c>, <c>llama3</c>, <c>phi3</c>, <c>gemma</c>, <c>plain</c>); null when <see cref="ChatTemplates"/> is given instead.</summary>
    public string? ChatFormat { get; init; } = "plain";

    /// <summary>Per-role templates with <c>{content}</c> (<c>system</c>, <c>user</c>, <c>assistant</c>), and <c>generation</c>: what opens the model's reply.</summary>
    public IReadOnlyDictionary<string, string>? ChatTemplates { get; init; }

    /// <summary>Embeddings: how hidden states are pooled (ignored when the graph's output is already pooled).</summary>
    public EmbeddingPooling Pooling { get; init; } = EmbeddingPooling.Mean;

    /// <summary>Embeddings: whether vectors are scaled to unit length.</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Text generation: sequences decoded together per version on one instance; more wait in the queue.</summary>
    public int MaxConcurrentSequences { get; init; } = DefaultMaxConcurrentSequences;

    /// <summary>How config.json and messages name <paramref name="task"/>.</summary>
    public static string TaskName(GenerationTask task) => task == GenerationTask.TextGeneration ? "text-generation" : "embeddings";

    /// <summary>The named chat formats <see cref="ChatFormat"/> accepts.</summary>
    public static IReadOnlyList<string> ChatFormats { get; } = ["chatml", "llama3", "phi3", "gemma", "plain"];

    /// <summary>The roles a chat template may name; <c>generation</c> is what follows the last message.</summary>
    public static IReadOnlyList<string> TemplateRoles { get; } = ["system", "user", "assistant", "generation"];

    /// <summary>Parses the <c>generation</c> object; throws <see cref="FormatException"/> naming the offending field.</summary>
    internal static GenerationConfig Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json field 'generation' must be an object such as {\"task\": \"text-generation\"}.");
        }

        var config = new GenerationConfig();
        var explicitDefault = false;
        foreach (var field in value.EnumerateObject())
        {
            explicitDefault |= field.Name == "defaultMaxTokens";
            config = field.Name switch
            {
                "task" => config with { Task = ConfigChoice.Parse(field.Value, "generation.task", ("text-generation", GenerationTask.TextGeneration), ("embeddings", GenerationTask.Embeddings)) },
                "maxContextTokens" => config with { MaxContextTokens = Positive(field.Value, "generation.maxContextTokens") },
                "defaultMaxTokens" => config with { DefaultMaxTokens = Positive(field.Value, "generation.defaultMaxTokens") },
                "maxConcurrentSequences" => config with { MaxConcurrentSequences = Positive(field.Value, "generation.maxConcurrentSequences") },
                "eosTokens" => config with { EosTokens = TokenIds(field.Value) },
                "stop" => config with { Stop = Texts(field.Value, "generation.stop") },
                "chatFormat" => ChatFormatOf(field.Value, config),
                "pooling" => config with { Pooling = ConfigChoice.Parse(field.Value, "generation.pooling", ("mean", EmbeddingPooling.Mean), ("cls", EmbeddingPooling.Cls), ("last", EmbeddingPooling.Last)) },
                "normalize" => config with
                {
                    Normalize = field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? field.Value.GetBoolean()
                        : throw new FormatException("config.json field 'generation.normalize' must be true or false."),
                },
                _ => throw new FormatException($"config.json field 'generation.{field.Name}' is unknown; expected task, maxContextTokens, defaultMaxTokens, maxConcurrentSequences, eosTokens, stop, chatFormat, pooling or normalize."),
            };
        }

        return explicitDefault && config.MaxContextTokens is { } context && config.DefaultMaxTokens >= context
            ? throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"config.json field 'generation.defaultMaxTokens' ({config.DefaultMaxTokens}) must be below maxContextTokens ({context}), to leave room for the prompt."))
            : config;
    }

    private static GenerationConfig ChatFormatOf(JsonElement value, GenerationConfig config)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var name = value.GetString()!;
            return ChatFormats.Contains(name)
                ? config with { ChatFormat = name, ChatTemplates = null }
                : throw new FormatException($"config.json field 'generation.chatFormat' is '{name}'; expected one of {string.Join(", ", ChatFormats)}, or an object of per-role templates with {{content}}.");
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"config.json field 'generation.chatFormat' must be one of {string.Join(", ", ChatFormats)}, or an object of per-role templates with {{content}}.");
        }

        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var role in value.EnumerateObject())
        {
            if (!TemplateRoles.Contains(role.Name))
            {
                throw new FormatException($"config.json field 'generation.chatFormat.{role.Name}' is unknown; expected {string.Join(", ", TemplateRoles)}.");
            }

            var template = role.Value.ValueKind == JsonValueKind.String ? role.Value.GetString()! : throw new FormatException($"config.json field 'generation.chatFormat.{role.Name}' must be a string.");
            if (role.Name != "generation" && !template.Contains("{content}", StringComparison.Ordinal))
            {
                throw new FormatException($"config.json field 'generation.chatFormat.{role.Name}' must contain {{content}}, where the message goes.");
            }

            templates[role.Name] = template;
        }

        return templates.ContainsKey("user")
            ? config with { ChatFormat = null, ChatTemplates = templates }
            : throw new FormatException("config.json field 'generation.chatFormat' needs at least a 'user' template.");
    }

    private static int Positive(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= 1
            ? number
            : throw new FormatException($"config.json field '{path}' must be an integer >= 1.");

    private static List<int> TokenIds(JsonElement value)
        => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(id => id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out var n) && n >= 0)
            ? [.. value.EnumerateArray().Select(id => id.GetInt32())]
            : throw new FormatException("config.json field 'generation.eosTokens' must be an array of token ids (integers >= 0).");

    private static List<string> Texts(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(text => text.ValueKind == JsonValueKind.String && text.GetString()!.Length > 0)
            ? [.. value.EnumerateArray().Select(text => text.GetString()!)]
            : throw new FormatException($"config.json field '{path}' must be an array of non-empty strings.");
}
