using System.Globalization;
using System.Text.Json;

namespace Maas.Core.Models;

/// <summary>Whose calls a canary's share is drawn by: the same caller always lands on the same version, or each request anew.</summary>
public enum CanarySticky
{
    Caller,
    Request,
}

/// <summary>config.json <c>rollout.canary</c>: the version that takes <paramref name="Percent"/> of the calls made without a version.</summary>
public sealed record CanaryConfig(long Version, double Percent, CanarySticky Sticky);

/// <summary>config.json <c>rollout.shadow</c>: the version a copy of <paramref name="Percent"/> of the default's calls runs on, its answers never returned.</summary>
public sealed record ShadowConfig(long Version, double Percent);

/// <summary>
/// config.json <c>rollout.gates</c>: the limits a canary's (or shadow's) live figures are held to, per closed minute.
/// A gate left out is not checked. Agreement compares a shadow's outputs with the default's as the evaluation's
/// <c>outputs</c> task does: within <see cref="AbsoluteTolerance"/> + <see cref="RelativeTolerance"/> × |expected|.
/// </summary>
public sealed record RolloutGates
{
    public const string ErrorRate = "errorRate";
    public const string P95 = "p95Ms";
    public const string DriftPsi = "driftPsi";
    public const string Agreement = "agreement";

    public double? MaxErrorRate { get; init; }

    public double? MaxP95Ms { get; init; }

    public double? MaxDriftPsi { get; init; }

    public double? MinAgreement { get; init; }

    public double AbsoluteTolerance { get; init; } = EvaluationConfig.DefaultAbsoluteTolerance;

    public double RelativeTolerance { get; init; } = EvaluationConfig.DefaultRelativeTolerance;
}

/// <summary>config.json <c>rollout.promote</c>: a canary becomes the default after <paramref name="After"/> with at least <paramref name="MinRequests"/> calls and no breach.</summary>
public sealed record PromoteConfig(TimeSpan After, long MinRequests);

/// <summary>
/// config.json <c>rollout</c>: a canary taking a share of the calls made without a version, a shadow running copies of
/// the default's calls, the gates their live figures are held to, when a healthy canary is promoted, and whether a
/// breach rolls it back. Absent means no rollout: the default version serves every call made without a version.
/// </summary>
public sealed record RolloutConfig
{
    public CanaryConfig? Canary { get; init; }

    public ShadowConfig? Shadow { get; init; }

    public RolloutGates Gates { get; init; } = new();

    public PromoteConfig? Promote { get; init; }

    public bool Rollback { get; init; } = true;

    /// <summary>The versions the rollout names (canary, shadow): while it runs, the highest-Ready rule never makes them the default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<long> Versions => new[] { Canary?.Version, Shadow?.Version }.Where(v => v is not null).Select(v => v!.Value);

    /// <summary>Parses the <c>rollout</c> object; throws <see cref="FormatException"/> naming the offending field.</summary>
    internal static RolloutConfig Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json field 'rollout' must be an object with canary or shadow.");
        }

        var config = new RolloutConfig();
        foreach (var field in value.EnumerateObject())
        {
            config = field.Name switch
            {
                "canary" => config with { Canary = CanaryOf(field.Value) },
                "shadow" => config with { Shadow = ShadowOf(field.Value) },
                "gates" => config with { Gates = GatesOf(field.Value) },
                "promote" => config with { Promote = PromoteOf(field.Value) },
                "rollback" => config with
                {
                    Rollback = field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? field.Value.GetBoolean()
                        : throw new FormatException("config.json field 'rollout.rollback' must be true or false."),
                },
                _ => throw new FormatException($"config.json field 'rollout.{field.Name}' is unknown; expected canary, shadow, gates, promote or rollback."),
            };
        }

        if (config.Canary is null && config.Shadow is null)
        {
            throw new FormatException("config.json field 'rollout' needs 'canary' or 'shadow' (or both): the version(s) put in front of live traffic.");
        }

        if (config.Canary is { } canary && config.Shadow is { } shadow && canary.Version == shadow.Version)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"config.json fields 'rollout.canary.version' and 'rollout.shadow.version' are both {canary.Version}; a version is either the canary or the shadow."));
        }

        if (config.Promote is not null && config.Canary is null)
        {
            throw new FormatException("config.json field 'rollout.promote' needs 'rollout.canary': only a canary is promoted.");
        }

        return config;
    }

    private static CanaryConfig CanaryOf(JsonElement value)
    {
        const string Path = "rollout.canary";
        long? version = null;
        double? percent = null;
        var sticky = CanarySticky.Caller;
        foreach (var field in Fields(value, Path, "{\"version\": v, \"percent\": p, \"sticky\": \"caller\" | \"request\"}"))
        {
            switch (field.Name)
            {
                case "version":
                    version = Version(field.Value, $"{Path}.version");
                    break;
                case "percent":
                    percent = Percent(field.Value, $"{Path}.percent");
                    break;
                case "sticky":
                    sticky = ConfigChoice.Parse(field.Value, $"{Path}.sticky", ("caller", CanarySticky.Caller), ("request", CanarySticky.Request));
                    break;
                default:
                    throw new FormatException($"config.json field '{Path}.{field.Name}' is unknown; expected version, percent or sticky.");
            }
        }

        return new CanaryConfig(
            version ?? throw new FormatException($"config.json field '{Path}' needs 'version' (the version taking a share of the calls)."),
            percent ?? throw new FormatException($"config.json field '{Path}' needs 'percent' (its share of the calls made without a version, 0 to 100)."),
            sticky);
    }

    private static ShadowConfig ShadowOf(JsonElement value)
    {
        const string Path = "rollout.shadow";
        long? version = null;
        var percent = 100.0;
        foreach (var field in Fields(value, Path, "{\"version\": v, \"percent\": p}"))
        {
            switch (field.Name)
            {
                case "version":
                    version = Version(field.Value, $"{Path}.version");
                    break;
                case "percent":
                    percent = Percent(field.Value, $"{Path}.percent");
                    break;
                default:
                    throw new FormatException($"config.json field '{Path}.{field.Name}' is unknown; expected version or percent.");
            }
        }

        return new ShadowConfig(version ?? throw new FormatException($"config.json field '{Path}' needs 'version' (the version running copies of the default's calls)."), percent);
    }

    private static RolloutGates GatesOf(JsonElement value)
    {
        const string Path = "rollout.gates";
        var gates = new RolloutGates();
        foreach (var field in Fields(value, Path, "{\"errorRate\": {\"max\": x}, \"p95Ms\": {\"max\": x}, \"driftPsi\": {\"max\": x}, \"agreement\": {\"min\": x, \"tolerance\": {...}}}"))
        {
            gates = field.Name switch
            {
                "errorRate" => gates with { MaxErrorRate = Max(field.Value, $"{Path}.errorRate", ConfigNumber.Fraction) },
                "p95Ms" => gates with { MaxP95Ms = Max(field.Value, $"{Path}.p95Ms", ConfigNumber.NotNegative) },
                "driftPsi" => gates with { MaxDriftPsi = Max(field.Value, $"{Path}.driftPsi", ConfigNumber.NotNegative) },
                "agreement" => AgreementOf(field.Value, gates),
                _ => throw new FormatException($"config.json field '{Path}.{field.Name}' is unknown; expected errorRate, p95Ms, driftPsi or agreement."),
            };
        }

        return gates;
    }

    private static RolloutGates AgreementOf(JsonElement value, RolloutGates gates)
    {
        const string Path = "rollout.gates.agreement";
        foreach (var field in Fields(value, Path, "{\"min\": x, \"tolerance\": {\"absolute\": a, \"relative\": r}}"))
        {
            gates = field.Name switch
            {
                "min" => gates with { MinAgreement = ConfigNumber.Fraction(field.Value, $"{Path}.min") },
                "tolerance" => ToleranceOf(field.Value, gates),
                _ => throw new FormatException($"config.json field '{Path}.{field.Name}' is unknown; expected min or tolerance."),
            };
        }

        return gates.MinAgreement is null ? throw new FormatException($"config.json field '{Path}' needs 'min' (the share of a shadow's outputs that must agree, 0 to 1).") : gates;
    }

    private static RolloutGates ToleranceOf(JsonElement value, RolloutGates gates)
    {
        var (absolute, relative) = ConfigTolerance.Parse(value, "rollout.gates.agreement.tolerance", gates.AbsoluteTolerance, gates.RelativeTolerance);
        return gates with { AbsoluteTolerance = absolute, RelativeTolerance = relative };
    }

    private static PromoteConfig PromoteOf(JsonElement value)
    {
        const string Path = "rollout.promote";
        TimeSpan? after = null;
        long minRequests = 0;
        foreach (var field in Fields(value, Path, "{\"after\": \"hh:mm:ss\", \"minRequests\": n}"))
        {
            switch (field.Name)
            {
                case "after":
                    after = field.Value.ValueKind == JsonValueKind.String && TimeSpan.TryParse(field.Value.GetString(), CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
                        ? span
                        : throw new FormatException($"config.json field '{Path}.after' must be a positive time span such as \"01:00:00\".");
                    break;
                case "minRequests":
                    minRequests = field.Value.ValueKind == JsonValueKind.Number && field.Value.TryGetInt64(out var count) && count >= 0
                        ? count
                        : throw new FormatException($"config.json field '{Path}.minRequests' must be a whole number >= 0.");
                    break;
                default:
                    throw new FormatException($"config.json field '{Path}.{field.Name}' is unknown; expected after or minRequests.");
            }
        }

        return new PromoteConfig(after ?? throw new FormatException($"config.json field '{Path}' needs 'after' (how long the canary runs before it is promoted)."), minRequests);
    }

    private static JsonElement.ObjectEnumerator Fields(JsonElement value, string path, string expected)
        => value.ValueKind == JsonValueKind.Object
            ? value.EnumerateObject()
            : throw new FormatException($"config.json field '{path}' must be an object: {expected}.");

    /// <summary>A gate's <c>{"max": x}</c>, x read by <paramref name="number"/>.</summary>
    private static double Max(JsonElement value, string path, Func<JsonElement, string, double> number)
    {
        double? max = null;
        foreach (var field in Fields(value, path, "{\"max\": x}"))
        {
            max = field.Name == "max"
                ? number(field.Value, $"{path}.max")
                : throw new FormatException($"config.json field '{path}.{field.Name}' is unknown; expected max.");
        }

        return max ?? throw new FormatException($"config.json field '{path}' needs 'max'.");
    }

    private static long Version(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var version) && version >= 1
            ? version
            : throw new FormatException($"config.json field '{path}' must be a version number (a whole number >= 1).");

    private static double Percent(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= 0 and <= 100 and var percent
            ? percent
            : throw new FormatException($"config.json field '{path}' must be a number from 0 to 100.");
}
