using System.Globalization;
using System.Text.Json;

namespace Maas.Core.Models;

/// <summary>
/// The optional <c>&lt;name&gt;/config.json</c> of a model, applying to all its versions. Every field is optional;
/// an unknown field or a value of the wrong kind makes the config invalid with a message naming the field.
/// </summary>
public sealed record ModelConfig
{
    public static ModelConfig Default { get; } = new();

    public string? Description { get; init; }

    /// <summary>The version served when a caller names none; null means the highest Ready version ("latest").</summary>
    public long? DefaultVersion { get; init; }

    public int? MaxBatchSize { get; init; }

    public DynamicBatchingConfig? DynamicBatching { get; init; }

    public ExecutionProviderChoice? ExecutionProvider { get; init; }

    public IReadOnlyList<string> RequiredRoles { get; init; } = [];

    public bool Warmup { get; init; }

    /// <summary>Class names per output name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Labels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>
    /// A request in the simple API's shape (<c>{"inputs": {...}}</c>, or <c>{"input": ...}</c>) that the OpenAPI document
    /// shows as every operation's example instead of zeros; kept as its JSON text.
    /// </summary>
    public string? Example { get; init; }

    /// <summary>Which calls are captured and how each tensor is de-identified; null captures nothing.</summary>
    public CaptureConfig? Capture { get; init; }

    /// <summary>Which calls are summarised for drift and what they are compared with; null computes no drift.</summary>
    public DriftConfig? Drift { get; init; }

    /// <summary>Whether the model generates text or embeddings behind <c>/v1</c>, and how; null for a classic graph.</summary>
    public GenerationConfig? Generation { get; init; }

    /// <summary>What each version's evaluation.jsonl measures and what it must reach to be promoted; null promotes every Ready version.</summary>
    public EvaluationConfig? Evaluation { get; init; }

    /// <summary>A canary and/or shadow version put in front of live traffic, the gates they are held to, and when a canary is promoted; null when none.</summary>
    public RolloutConfig? Rollout { get; init; }

    /// <summary>Parses config.json; throws <see cref="FormatException"/> with a message naming the offending field.</summary>
    public static ModelConfig Parse(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException error)
        {
            throw new FormatException($"config.json is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1}).", error);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("config.json must be a JSON object.");
            }

            var config = new ModelConfig();
            foreach (var field in root.EnumerateObject())
            {
                config = field.Name switch
                {
                    "description" => config with { Description = String(field) },
                    "defaultVersion" => config with { DefaultVersion = DefaultVersionOf(field) },
                    "maxBatchSize" => config with { MaxBatchSize = Int(field, "maxBatchSize", minimum: 0) },
                    "dynamicBatching" => config with { DynamicBatching = DynamicBatchingOf(field.Value) },
                    "executionProvider" => config with { ExecutionProvider = ExecutionProviderOf(field) },
                    "requiredRoles" => config with { RequiredRoles = Strings(field.Value, "requiredRoles") },
                    "warmup" => config with { Warmup = Bool(field) },
                    "labels" => config with { Labels = LabelsOf(field.Value) },
                    "example" => config with { Example = ExampleOf(field.Value) },
                    "capture" => config with { Capture = CaptureConfig.Parse(field.Value) },
                    "evaluation" => config with { Evaluation = EvaluationConfig.Parse(field.Value) },
                    "drift" => config with { Drift = DriftConfig.Parse(field.Value) },
                    "generation" => config with { Generation = GenerationConfig.Parse(field.Value) },
                    "rollout" => config with { Rollout = RolloutConfig.Parse(field.Value) },
                    _ => throw new FormatException($"config.json field '{field.Name}' is unknown; expected description, defaultVersion, maxBatchSize, dynamicBatching, executionProvider, requiredRoles, warmup, labels, example, capture, evaluation, drift, generation or rollout."),
                };
            }

            if (config.DynamicBatching is not null && config.MaxBatchSize is not > 0)
            {
                throw new FormatException("config.json field 'dynamicBatching' needs 'maxBatchSize' (the most rows one batched run takes, at least 1).");
            }

            if (config.Generation is not null && config.Rollout?.Shadow is not null)
            {
                throw new FormatException("config.json field 'rollout.shadow' is for tensor models: a generative model ('generation') takes a canary, not a shadow.");
            }

            return config.DefaultVersion is not null && config.Rollout?.Promote is not null
                ? throw new FormatException("config.json fields 'defaultVersion' and 'rollout.promote' cannot go together: a pinned default is never replaced by a promoted canary. Leave out one of them.")
                : config;
        }
    }

    /// <summary>The config as compact JSON, the form stored in the registry.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SnapshotOptions);

    public static ModelConfig FromJson(string json) => JsonSerializer.Deserialize<ModelConfig>(json, SnapshotOptions) ?? Default;

    private static readonly JsonSerializerOptions SnapshotOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static string String(JsonProperty field) => field.Value.ValueKind == JsonValueKind.String
        ? field.Value.GetString()!
        : throw new FormatException($"config.json field '{field.Name}' must be a string.");

    private static bool Bool(JsonProperty field) => field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
        ? field.Value.GetBoolean()
        : throw new FormatException($"config.json field '{field.Name}' must be true or false.");

    private static int Int(JsonProperty field, string path, int minimum)
        => field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var value) && value >= minimum
            ? value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"config.json field '{path}' must be an integer >= {minimum}."));

    private static string ExampleOf(JsonElement value)
        => value.ValueKind == JsonValueKind.Object && (value.TryGetProperty("inputs", out var inputs) ? inputs.ValueKind == JsonValueKind.Object : value.TryGetProperty("input", out _))
            ? value.GetRawText()
            : throw new FormatException("config.json field 'example' must be a simple API request: {\"inputs\": {\"<input>\": <nested array>}} or {\"input\": <nested array>}.");

    private static long? DefaultVersionOf(JsonProperty field)
    {
        if (field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() == "latest")
        {
            return null;
        }

        return field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt64(out var version) && version is >= 1 and <= ModelVersionRecord.MaxVersion
            ? version
            : throw new FormatException("config.json field 'defaultVersion' must be a positive integer version or \"latest\".");
    }

    private static ExecutionProviderChoice ExecutionProviderOf(JsonProperty field)
        => ConfigChoice.Parse(field.Value, "executionProvider", ("cpu", ExecutionProviderChoice.Cpu), ("cuda", ExecutionProviderChoice.Cuda), ("auto", ExecutionProviderChoice.Auto));

    private static DynamicBatchingConfig DynamicBatchingOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json field 'dynamicBatching' must be an object with maxQueueDelayMs and preferredBatchSizes.");
        }

        var batching = new DynamicBatchingConfig(0, []);
        foreach (var field in value.EnumerateObject())
        {
            batching = field.Name switch
            {
                "maxQueueDelayMs" => batching with { MaxQueueDelayMs = Int(field, "dynamicBatching.maxQueueDelayMs", minimum: 0) },
                "preferredBatchSizes" => batching with
                {
                    PreferredBatchSizes = field.Value.ValueKind == JsonValueKind.Array
                        && field.Value.EnumerateArray().All(size => size.ValueKind == JsonValueKind.Number && size.TryGetInt32(out var n) && n >= 1)
                        ? [.. field.Value.EnumerateArray().Select(size => size.GetInt32())]
                        : throw new FormatException("config.json field 'dynamicBatching.preferredBatchSizes' must be an array of positive integers."),
                },
                "maxQueueSize" => batching with { MaxQueueSize = Int(field, "dynamicBatching.maxQueueSize", minimum: 1) },
                _ => throw new FormatException($"config.json field 'dynamicBatching.{field.Name}' is unknown; expected maxQueueDelayMs, preferredBatchSizes or maxQueueSize."),
            };
        }

        return batching;
    }

    private static string[] Strings(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String && item.GetString()!.Length > 0)
            ? [.. value.EnumerateArray().Select(item => item.GetString()!)]
            : throw new FormatException($"config.json field '{path}' must be an array of non-empty strings.");

    private static Dictionary<string, IReadOnlyList<string>> LabelsOf(JsonElement value)
        => value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(output => output.Name, output => (IReadOnlyList<string>)Strings(output.Value, $"labels.{output.Name}"), StringComparer.Ordinal)
            : throw new FormatException("config.json field 'labels' must be an object mapping an output name to an array of class names.");
}
