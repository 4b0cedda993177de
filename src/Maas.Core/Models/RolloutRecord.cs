using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maas.Core.Models;

/// <summary>Where a rollout stands; written as <c>running</c>, <c>promoted</c> or <c>rolled back</c> (<see cref="RolloutStates"/>).</summary>
[JsonConverter(typeof(RolloutStateJsonConverter))]
public enum RolloutState
{
    /// <summary>The canary takes its share and the shadow its copies; the gates are checked each aggregation.</summary>
    Running,

    /// <summary>The canary passed its window without a breach and is the default now.</summary>
    Promoted,

    /// <summary>A gate broke: the canary takes no calls and is never made the default while config.json names it.</summary>
    RolledBack,
}

/// <summary>The names rollout states are shown and stored by.</summary>
public static class RolloutStates
{
    public const string Running = "running";
    public const string Promoted = "promoted";
    public const string RolledBack = "rolled back";

    public static string NameOf(RolloutState state) => state switch
    {
        RolloutState.Promoted => Promoted,
        RolloutState.RolledBack => RolledBack,
        _ => Running,
    };

    public static RolloutState? Parse(string? name) => name switch
    {
        Running => RolloutState.Running,
        Promoted => RolloutState.Promoted,
        RolledBack => RolloutState.RolledBack,
        _ => null,
    };
}

internal sealed class RolloutStateJsonConverter : JsonConverter<RolloutState>
{
    public override RolloutState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => RolloutStates.Parse(reader.GetString()) ?? throw new JsonException("A rollout state is running, promoted or rolled back.");

    public override void Write(Utf8JsonWriter writer, RolloutState value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(RolloutStates.NameOf(value));
    }
}

/// <summary>A gate a window broke: which, the value seen, the limit, and the minute (or, for drift, the hour) it began.</summary>
public sealed record GateBreach(string Gate, double Value, double Limit, DateTimeOffset Minute)
{
    public string Describe() => FormattableString.Invariant($"{Gate} {Value:0.####} against {(Gate == RolloutGates.Agreement ? "min" : "max")} {Limit:0.####} in the window from {Minute:u}");
}

/// <summary>One decision of a rollout, written once with the figures that made it.</summary>
/// <param name="State">The state it put the rollout in.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Requests">Calls of the judged version since the rollout began, when it was made.</param>
/// <param name="Breaches">The gates broken, with their values (empty for a start or a promotion).</param>
/// <param name="Version">The version judged: the canary (else the shadow), or with both, the shadow for its own breaches.</param>
public sealed record RolloutDecisionRecord(DateTimeOffset At, RolloutState State, string Reason, long Requests, IReadOnlyList<GateBreach> Breaches, long? Version = null);

/// <summary>
/// A rollout's state, kept on the row of the version it puts in front of traffic (the canary, else the shadow) so that
/// every instance reads it with the model's versions: which versions it is about (a config.json naming others starts a
/// new rollout), when its clock started, where it stands, and every decision made.
/// </summary>
public sealed record RolloutRecord(long? Canary, long? Shadow, DateTimeOffset BeganAt, RolloutState State, IReadOnlyList<RolloutDecisionRecord> Decisions)
{
    /// <summary>Whether this record is about the rollout <paramref name="config"/> describes (the same canary and shadow versions).</summary>
    public bool IsFor(RolloutConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Canary == config.Canary?.Version && Shadow == config.Shadow?.Version;
    }

    /// <summary>The version whose row keeps the record of <paramref name="config"/>'s rollout: the canary, else the shadow.</summary>
    public static long HomeOf(RolloutConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Canary?.Version ?? config.Shadow!.Version;
    }
}
