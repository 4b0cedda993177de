using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>What a prediction call is keyed by for a canary's split: its caller (the object id, else the app id) and the request id it sent, if any.</summary>
public readonly record struct RolloutKeys(string Caller, string? Request)
{
    /// <summary>The key for <paramref name="sticky"/>: a call with no request id is keyed anew each time, so a per-request split still takes its share.</summary>
    public string For(CanarySticky sticky) => sticky == CanarySticky.Caller ? Caller : Request ?? Guid.NewGuid().ToString("N");
}

/// <summary>A rollout's shadow as a call to the default sees it: the version its copy runs on, the share of calls copied, and the gates its agreement is measured with.</summary>
public sealed record ShadowTarget(ModelVersionRecord Version, double Percent, RolloutGates Gates);

/// <summary>The version that serves a call and, for a call to the default during a rollout with a shadow, where a copy of it runs.</summary>
public readonly record struct ResolvedCall(ModelVersionRecord Model, ShadowTarget? Shadow);
