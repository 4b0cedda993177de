using Maas.Core.Models;

namespace Maas.Core.Rollout;

/// <summary>A decision about a rollout, with the figures that made it: promote the canary, roll it back, or keep running (with any breach seen, when rollback is off).</summary>
public sealed record RolloutDecision(RolloutState State, string Reason, IReadOnlyList<GateBreach> Breaches, long Requests);

/// <summary>
/// The rollout's rules as pure functions of the closed windows' figures since it began (minutes of calls; hours of drift, when drift is configured): a window breaks a gate when its
/// figure passes the limit (a window without calls breaks only the drift gate, which has its own count); a breach with <c>rollback</c> rolls the canary back; after <c>promote.after</c> with at least
/// <c>promote.minRequests</c> calls and no breach the canary is promoted. Minutes without calls are not judged.
/// </summary>
public static class RolloutDecisions
{
    /// <summary>The gates <paramref name="minute"/> breaks.</summary>
    public static IReadOnlyList<GateBreach> Breaches(RolloutGates gates, RolloutFigures minute)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(minute);
        var breaches = new List<GateBreach>();
        if (gates.MaxErrorRate is { } maxErrors && minute.Requests > 0 && minute.ErrorRate > maxErrors)
        {
            breaches.Add(new GateBreach(RolloutGates.ErrorRate, minute.ErrorRate, maxErrors, minute.Minute));
        }

        if (gates.MaxP95Ms is { } maxP95 && minute.Requests > 0 && minute.P95Ms > maxP95)
        {
            breaches.Add(new GateBreach(RolloutGates.P95, minute.P95Ms, maxP95, minute.Minute));
        }

        if (gates.MaxDriftPsi is { } maxPsi && minute.DriftPsi is { } psi && psi > maxPsi)
        {
            breaches.Add(new GateBreach(RolloutGates.DriftPsi, psi, maxPsi, minute.Minute));
        }

        if (gates.MinAgreement is { } minAgreement && minute.Requests > 0 && minute.Agreement is { } agreement && agreement < minAgreement)
        {
            breaches.Add(new GateBreach(RolloutGates.Agreement, agreement, minAgreement, minute.Minute));
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
            ? "running: " + breaches[0].Describe() + (rollout.Canary is null ? " (a shadow is never rolled back: its answers reach no caller)" : " (rollback is off)")
            : rollout.Promote is { } wait
                ? FormattableString.Invariant($"running: {requests} calls so far; promoted after {wait.After} with at least {wait.MinRequests}")
                : FormattableString.Invariant($"running: {requests} calls so far; no promotion configured");
        return new RolloutDecision(RolloutState.Running, waiting, breaches, requests);
    }
}
