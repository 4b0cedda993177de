namespace Maas.Core.Rollout;

/// <summary>
/// What a rollout's version did in one closed minute, merged over every instance: calls, the calls it failed (a 5xx,
/// or a 4xx from running the model; never auth or throttling), its p95, the drift PSI of its inputs (the largest over
/// features, when drift is configured) and, for a shadow, the share of its outputs that agreed with the default's.
/// </summary>
public sealed record RolloutFigures(DateTimeOffset Minute, long Requests, long Failed, double P95Ms, double? DriftPsi = null, double? Agreement = null)
{
    public double ErrorRate => Requests == 0 ? 0 : (double)Failed / Requests;
}

/// <summary>A gate a minute broke: which, the value seen, the limit, and the minute.</summary>
public sealed record GateBreach(string Gate, double Value, double Limit, DateTimeOffset Minute)
{
    public string Describe() => FormattableString.Invariant($"{Gate} {Value:0.####} against {(Gate == RolloutDecisions.AgreementGate ? "min" : "max")} {Limit:0.####} in the minute from {Minute:u}");
}
