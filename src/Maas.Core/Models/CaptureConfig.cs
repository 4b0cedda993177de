using System.Globalization;
using System.Text.Json;

namespace Maas.Core.Models;

/// <summary>What happens to one input or output tensor of a captured call.</summary>
public enum CaptureAction
{
    /// <summary>Captured as sent or answered.</summary>
    Keep,

    /// <summary>Left out of the record.</summary>
    Drop,

    /// <summary>Each element replaced by a keyed HMAC-SHA256 (hex): equal values join across records, none can be read.</summary>
    Hash,

    /// <summary>The shape kept, values replaced: numbers by 0, strings by '*' except their last 4 characters.</summary>
    Mask,
}

/// <summary>How a call is picked for capture.</summary>
public enum CaptureSampling
{
    /// <summary>Independently per call.</summary>
    Random,

    /// <summary>By a hash of the request's id: the same id is captured on every instance and every retry, or never.</summary>
    RequestId,
}

/// <summary>
/// config.json <c>capture</c>: which calls of the model are recorded to the captures container, and how each tensor is
/// de-identified first. Absent means nothing of the model is captured.
/// </summary>
public sealed record CaptureConfig
{
    /// <summary>Fraction of calls captured, 0 to 1.</summary>
    public double SampleRate { get; init; }

    public CaptureSampling SampleBy { get; init; } = CaptureSampling.Random;

    /// <summary>Whether the inputs are captured.</summary>
    public bool Request { get; init; } = true;

    /// <summary>Whether the outputs are captured.</summary>
    public bool Response { get; init; } = true;

    /// <summary>The action per input or output name; others get <see cref="Default"/>.</summary>
    public IReadOnlyDictionary<string, CaptureAction> Fields { get; init; } = new Dictionary<string, CaptureAction>();

    /// <summary>Keep or drop: what every tensor not named in <see cref="Fields"/> gets.</summary>
    public CaptureAction Default { get; init; } = CaptureAction.Keep;

    /// <summary>Most tensor bytes a record carries (after de-identification); null for <c>Capture:MaxPayloadBytes</c>.</summary>
    public int? MaxPayloadBytes { get; init; }

    public CaptureAction ActionFor(string tensor) => Fields.TryGetValue(tensor, out var action) ? action : Default;

    /// <summary>Parses the <c>capture</c> object; throws <see cref="FormatException"/> naming the offending field.</summary>
    internal static CaptureConfig Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json field 'capture' must be an object with at least sampleRate.");
        }

        var config = new CaptureConfig();
        var sawRate = false;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "sampleRate":
                    sawRate = true;
                    config = config with { SampleRate = ConfigNumber.Fraction(field.Value, "capture.sampleRate") };
                    break;
                case "sampleBy":
                    config = config with
                    {
                        SampleBy = ConfigChoice.Parse(field.Value, "capture.sampleBy", ("random", CaptureSampling.Random), ("requestId", CaptureSampling.RequestId)),
                    };
                    break;
                case "request":
                    config = config with { Request = Bool(field.Value, "capture.request") };
                    break;
                case "response":
                    config = config with { Response = Bool(field.Value, "capture.response") };
                    break;
                case "fields":
                    config = config with { Fields = FieldsOf(field.Value) };
                    break;
                case "default":
                    config = config with
                    {
                        Default = Action(field.Value, "capture.default") is var fallback and (CaptureAction.Keep or CaptureAction.Drop)
                            ? fallback
                            : throw new FormatException("config.json field 'capture.default' must be \"keep\" or \"drop\"."),
                    };
                    break;
                case "maxPayloadBytes":
                    config = config with
                    {
                        MaxPayloadBytes = field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt32(out var bytes) && bytes >= 0
                            ? bytes
                            : throw new FormatException("config.json field 'capture.maxPayloadBytes' must be an integer >= 0."),
                    };
                    break;
                default:
                    throw new FormatException($"config.json field 'capture.{field.Name}' is unknown; expected sampleRate, sampleBy, request, response, fields, default or maxPayloadBytes.");
            }
        }

        return sawRate ? config : throw new FormatException("config.json field 'capture' needs 'sampleRate' (the fraction of calls captured, 0 to 1).");
    }

    private static Dictionary<string, CaptureAction> FieldsOf(JsonElement value)
        => value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject().ToDictionary(field => field.Name, field => Action(field.Value, string.Create(CultureInfo.InvariantCulture, $"capture.fields.{field.Name}")), StringComparer.Ordinal)
            : throw new FormatException("config.json field 'capture.fields' must be an object mapping an input or output name to keep, drop, hash or mask.");

    private static CaptureAction Action(JsonElement value, string path)
        => ConfigChoice.Parse(value, path, ("keep", CaptureAction.Keep), ("drop", CaptureAction.Drop), ("hash", CaptureAction.Hash), ("mask", CaptureAction.Mask));

    private static bool Bool(JsonElement value, string path) => value.ValueKind is JsonValueKind.True or JsonValueKind.False
        ? value.GetBoolean()
        : throw new FormatException($"config.json field '{path}' must be true or false.");
}
