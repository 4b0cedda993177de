using Maas.Core.Models;
using Maas.Core.Rollout;

namespace Maas.Core.Tests.Rollout;

public sealed class RolloutDecisionsTests
{
    private static readonly DateTimeOffset Began = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static readonly RolloutConfig Rollout = new()
    {
        Canary = new CanaryConfig(3, 10, CanarySticky.Caller),
        Gates = new RolloutGates { MaxErrorRate = 0.01, MaxP95Ms = 250, MaxDriftPsi = 0.2, MinAgreement = 0.98 },
        Promote = new PromoteConfig(TimeSpan.FromHours(1), 1_000),
        Rollback = true,
    };

    [Fact]
    public void Breaches_MinuteOverEveryGate_NamesEachWithItsValueAndLimit()
    {
        // 3 failed of 200 = 0.015 > 0.01; p95 300 > 250; PSI 0.25 > 0.2; agreement 0.95 < 0.98.
        var breaches = RolloutDecisions.Breaches(Rollout.Gates, new RolloutFigures(Began, 200, 3, 300, 0.25, 0.95));

        Assert.Equal(
            [("errorRate", 0.015, 0.01), ("p95Ms", 300.0, 250.0), ("driftPsi", 0.25, 0.2), ("agreement", 0.95, 0.98)],
            breaches.Select(b => (b.Gate, b.Value, b.Limit)));
    }

    [Fact]
    public void Breaches_MinuteAtTheLimitsOrWithoutCalls_BreaksNothing()
    {
        Assert.Empty(RolloutDecisions.Breaches(Rollout.Gates, new RolloutFigures(Began, 100, 1, 250, 0.2, 0.98)));
        Assert.Empty(RolloutDecisions.Breaches(Rollout.Gates, new RolloutFigures(Began, 0, 0, 0)));
    }

    [Fact]
    public void Decide_ABreachWithRollback_RollsBackNamingTheFirstBreach()
    {
        var minutes = new[] { Minute(0, 500, 0), Minute(1, 400, 20), Minute(2, 500, 0) };

        var decision = RolloutDecisions.Decide(Rollout, Began, Began.AddMinutes(3), minutes);

        Assert.Equal(RolloutState.RolledBack, decision.State);
        Assert.Equal(1_400, decision.Requests);
        Assert.StartsWith("rolled back: errorRate 0.05 against max 0.01 in the window from 2026-12-07 10:01:00Z", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_HealthyAfterTheWindowWithEnoughCalls_Promotes()
    {
        var minutes = Enumerable.Range(0, 60).Select(m => Minute(m, 20, 0)).ToList();

        var early = RolloutDecisions.Decide(Rollout, Began, Began.AddMinutes(59), minutes);
        var due = RolloutDecisions.Decide(Rollout, Began, Began.AddHours(1), minutes);

        Assert.Equal(RolloutState.Running, early.State);
        Assert.Equal((RolloutState.Promoted, 1_200L), (due.State, due.Requests));
        Assert.Equal("promoted: 1200 calls over 01:00:00 without a breach (at least 1000 needed)", due.Reason);
    }

    [Fact]
    public void Decide_WindowPassedWithTooFewCalls_KeepsRunning()
    {
        var decision = RolloutDecisions.Decide(Rollout, Began, Began.AddHours(2), [Minute(0, 999, 0)]);

        Assert.Equal(RolloutState.Running, decision.State);
        Assert.Equal("running: 999 calls so far; promoted after 01:00:00 with at least 1000", decision.Reason);
    }

    [Fact]
    public void Decide_BreachWithRollbackOff_KeepsRunningAndNeverPromotes()
    {
        var decision = RolloutDecisions.Decide(Rollout with { Rollback = false }, Began, Began.AddHours(2), [Minute(0, 2_000, 100)]);

        Assert.Equal(RolloutState.Running, decision.State);
        Assert.Single(decision.Breaches);
        Assert.EndsWith("(rollback is off)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_MinutesBeforeTheRolloutBegan_AreNotJudged()
    {
        var decision = RolloutDecisions.Decide(Rollout, Began, Began.AddHours(1), [Minute(-5, 1_000, 500), Minute(0, 1_000, 0)]);

        Assert.Equal((RolloutState.Promoted, 1_000L), (decision.State, decision.Requests));
    }

    private static RolloutFigures Minute(int minute, long requests, long failed) => new(Began.AddMinutes(minute), requests, failed, P95Ms: 100);
}
