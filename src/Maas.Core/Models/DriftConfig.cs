using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maas.Core.Models;

/// <summary>How finely a tensor's values are summarised for drift.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DriftGranularity>))]
public enum DriftGranularity
{
    /// <summary>Per feature for [N, F] tensors (F ≤ 256), per channel for [N, C, ...] (C ≤ 64), else per tensor.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    /// <summary>One summary of all the tensor's values.</summary>
    [JsonStringEnumMemberName("tensor")]
    Tensor,

    /// <summary>One summary per index of the second dimension, over every other dimension.</summary>
    [JsonStringEnumMemberName("channel")]
    Channel,

    /// <summary>One summary per index of the last dimension of a two-dimensional tensor.</summary>
    [JsonStringEnumMemberName("feature")]
    Feature,
}

/// <summary>
/// config.json <c>drift</c>: which calls are summarised, what they are compared with (the version's evaluation set, or a
/// window of live traffic) and from which distance a period counts as drifted. Absent means no drift is computed.
/// </summary>
public sealed record DriftConfig
{
    public const double DefaultPsiThreshold = 0.2;
    public const double DefaultJsdThreshold = 0.1;

    /// <summary>Fraction of calls summarised, 0 to 1.</summary>
    public double SampleRate { get; init; }

    /// <summary>True: the version's evaluation.jsonl; false: the live traffic between <see cref="BaselineFrom"/> and <see cref="BaselineTo"/>.</summary>
    public bool BaselineIsEvaluationSet { get; init; } = true;

    public DateTimeOffset? BaselineFrom { get; init; }

    public DateTimeOffset? BaselineTo { get; init; }

    /// <summary>Whether a call at <paramref name="time"/> falls in the live baseline window (it is sampled for the baseline).</summary>
    public bool InLiveWindow(DateTimeOffset time) => !BaselineIsEvaluationSet && time >= BaselineFrom && time < BaselineTo;

    /// <summary>Whether a call at <paramref name="time"/> comes after the live baseline window closed (it waits for the baseline built from it).</summary>
    public bool AfterLiveWindow(DateTimeOffset time) => !BaselineIsEvaluationSet && time >= BaselineTo;

    /// <summary>Population stability index from which a period is flagged.</summary>
    public double PsiThreshold { get; init; } = DefaultPsiThreshold;

    /// <summary>Jensen–Shannon distance (base 2, 0 to 1) from which a period is flagged.</summary>
    public double JsdThreshold { get; init; } = DefaultJsdThreshold;

    public DriftGranularity Features { get; init; } = DriftGranularity.Auto;

    /// <summary>Parses the <c>drift</c> object; throws <see cref="FormatException"/> naming the offending field.</summary>
    internal static DriftConfig Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json field 'drift' must be an object with at least sampleRate.");
        }

        var config = new DriftConfig();
        var sawRate = false;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "sampleRate":
                    sawRate = true;
                    config = config with { SampleRate = ConfigNumber.Fraction(field.Value, "drift.sampleRate") };
                    break;
                case "baseline":
                    config = BaselineOf(field.Value, config);
                    break;
                case "thresholds":
                    config = ThresholdsOf(field.Value, config);
                    break;
                case "features":
                    config = config with
                    {
                        Features = ConfigChoice.Parse(
                            field.Value,
                            "drift.features",
                            ("auto", DriftGranularity.Auto),
                            ("tensor", DriftGranularity.Tensor),
                            ("channel", DriftGranularity.Channel),
                            ("feature", DriftGranularity.Feature)),
                    };
                    break;
                default:
                    throw new FormatException($"config.json field 'drift.{field.Name}' is unknown; expected sampleRate, baseline, thresholds or features.");
            }
        }

        return sawRate ? config : throw new FormatException("config.json field 'drift' needs 'sampleRate' (the fraction of calls summarised, 0 to 1).");
    }

    private static DriftConfig BaselineOf(JsonElement value, DriftConfig config)
    {
        const string Expected = "config.json field 'drift.baseline' must be \"evaluation\" or {\"from\": \"<ISO 8601 time>\", \"to\": \"<ISO 8601 time>\"} with from before to.";
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString() == "evaluation" ? config with { BaselineIsEvaluationSet = true } : throw new FormatException(Expected);
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException(Expected);
        }

        DateTimeOffset? from = null;
        DateTimeOffset? to = null;
        foreach (var field in value.EnumerateObject())
        {
            var time = field.Value.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(field.Value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                ? parsed
                : throw new FormatException($"config.json field 'drift.baseline.{field.Name}' must be an ISO 8601 time such as \"2026-11-01T00:00:00Z\".");
            switch (field.Name)
            {
                case "from":
                    from = time;
                    break;
                case "to":
                    to = time;
                    break;
                default:
                    throw new FormatException($"config.json field 'drift.baseline.{field.Name}' is unknown; expected from and to.");
            }
        }

        return from is { } start && to is { } end && start < end
            ? config with { BaselineIsEvaluationSet = false, BaselineFrom = start, BaselineTo = end }
            : throw new FormatException(Expected);
    }

    private static DriftConfig ThresholdsOf(JsonElement value, DriftConfig config)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json field 'drift.thresholds' must be an object with psi and/or jsd.");
        }

        foreach (var field in value.EnumerateObject())
        {
            config = field.Name switch
            {
                "psi" => config with
                {
                    PsiThreshold = field.Value.ValueKind == JsonValueKind.Number && field.Value.GetDouble() is > 0 and var psi && double.IsFinite(psi)
                        ? psi
                        : throw new FormatException("config.json field 'drift.thresholds.psi' must be a number above 0."),
                },
                "jsd" => config with { JsdThreshold = ConfigNumber.Fraction(field.Value, "drift.thresholds.jsd") is > 0 and var jsd ? jsd : throw new FormatException("config.json field 'drift.thresholds.jsd' must be a number above 0, at most 1.") },
                _ => throw new FormatException($"config.json field 'drift.thresholds.{field.Name}' is unknown; expected psi or jsd."),
            };
        }

        return config;
    }
}
