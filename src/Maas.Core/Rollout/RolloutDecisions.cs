using Maas.Core.Models;

namespace Maas.Core.Rollout;

/// <summary>Where a rollout stands.</summary>
public enum RolloutState
{
    Running,
    Promoted,
    RolledBack,
}

/// <summary>A decision about a rollout, with the figures that made it: promote the canary, roll it back, or keep running (with any breach seen, when rollback is off).</summary>
public sealed record RolloutDecision(RolloutState State, string Reason, IReadOnlyList<GateBreach> Breaches, long Requests);

/// <summary>
/// The rollout's rules as pure functions of the closed minutes' figures since it began: a minute breaks a gate when its
/// figure passes the limit; a breach with <c>rollback</c> rolls the canary back; after <c>promote.after</c> with at least
/// <c>promote.minRequests</c> calls and no breach the canary is promoted. Minutes without calls are not judged.
/// </summary>
public static class RolloutDecisions
{
    public const string ErrorRateGate = "errorRate";
    public const string P95Gate = "p95Ms";
    public const string DriftGate = "driftPsi";
    public const string AgreementGate = "agreement";

    /// <summary>The gates <paramref name="minute"/> breaks.</summary>
    public static IReadOnlyList<GateBreach> Breaches(RolloutGates gates, RolloutFigures minute)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(minute);
        var breaches = new List<GateBreach>();
        if (minute.Requests == 0)
        {
            return breaches;
        }

        if (gates.MaxErrorRate is { } maxErrors && minute.ErrorRate > maxErrors)
        {
            breaches.Add(new GateBreach(ErrorRateGate, minute.ErrorRate, maxErrors, minute.Minute));
        }

        if (gates.MaxP95Ms is { } maxP95 && minute.P95Ms > maxP95)
        {
            breaches.Add(new GateBreach(P95Gate, minute.P95Ms, maxP95, minute.Minute));
        }

        if (gates.MaxDriftPsi is { } maxPsi && minute.DriftPsi is { } psi && psi > maxPsi)
        {
            breaches.Add(new GateBreach(DriftGate, psi, maxPsi, minute.Minute));
        }

        if (gates.MinAgreement is { } minAgreement && minute.Agreement is { } agreement && agreement < minAgreement)
        {
            breaches.Add(new GateBreach(AgreementGate, agreement, minAgreement, minute.Minute));
        }

        return breaches;
    }

    /// <summary>
    /// The decision on a running rollout that began at <paramref name="began"/>, at <paramref name="now"/>, from the
    /// closed minutes of its canary (or shadow) since then.
    /// </summary>
    public static RolloutDecision Decide(RolloutConfig rollout, DateTimeOffset began, DateTimeOffset now, IReadOnlyList<RolloutFigures> minutes)
    {
        ArgumentNullException.ThrowIfNull(rollout);
        ArgumentNullException.ThrowIfNull(minutes);
        var judged = minutes.Where(m => m.Minute >= began).OrderBy(m => m.Minute).ToList();
        var requests = judged.Sum(m => m.Requests);
        var breaches = judged.SelectMany(m => Breaches(rollout.Gates, m)).ToList();
        if (breaches.Count > 0 && rollout.Rollback && rollout.Canary is not null)
        {
            return new RolloutDecision(RolloutState.RolledBack, "rolled back: " + breaches[0].Describe(), breaches, requests);
        }

        if (rollout.Promote is { } promote && breaches.Count == 0 && now - began >= promote.After && requests >= promote.MinRequests)
        {
            return new RolloutDecision(
                RolloutState.Promoted,
                FormattableString.Invariant($"promoted: {requests} calls over {promote.After} without a breach (at least {promote.MinRequests} needed)"),
                breaches,
                requests);
        }

        var waiting = breaches.Count > 0
            ? "running: " + breaches[0].Describe() + " (rollback is off)"
            : rollout.Promote is { } wait
                ? FormattableString.Invariant($"running: {requests} calls so far; promoted after {wait.After} with at least {wait.MinRequests}")
                : FormattableString.Invariant($"running: {requests} calls so far; no promotion configured");
        return new RolloutDecision(RolloutState.Running, waiting, breaches, requests);
    }
}
