using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Rollout;

namespace Maas.Core.Tests.Rollout;

public sealed class RolloutFiguresTests
{
    private static readonly DateTimeOffset Minute = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Of_TwoInstancesMinutesMerged_GiveTheFiguresOfAllTheirCalls()
    {
        var a = new MetricsAggregate();
        var b = new MetricsAggregate();
        for (var i = 0; i < 60; i++)
        {
            a.Add(Call(i < 3 ? OutcomeClass.ServerError : OutcomeClass.Ok, 10, modelFailed: i < 3, agreed: i % 10 != 0));
        }

        for (var i = 0; i < 40; i++)
        {
            b.Add(Call(OutcomeClass.Ok, i < 30 ? 10 : 500, modelFailed: false, agreed: i < 20 ? true : null));
        }

        a.Merge(b);
        var figures = RolloutFigures.Of(Minute, a);

        // 100 calls, 3 failed; 80 compared, 54 + 20 agreed; 10 of 100 at 500 ms put the p95 there.
        Assert.Equal((100L, 3L, 0.03), (figures.Requests, figures.Failed, figures.ErrorRate));
        Assert.Equal(74.0 / 80, figures.Agreement);
        Assert.InRange(figures.P95Ms, 495, 505);
        Assert.Null(RolloutFigures.Of(Minute, new MetricsAggregate()).Agreement);
    }

    [Fact]
    public void Of_RefusalsNotFromTheModel_AreNotTheVersionsFailures()
    {
        var aggregate = new MetricsAggregate();
        aggregate.Add(Call(OutcomeClass.ClientError, 1, modelFailed: false, agreed: null));
        aggregate.Add(Call(OutcomeClass.Throttled, 1, modelFailed: false, agreed: null));
        aggregate.Add(Call(OutcomeClass.ClientError, 1, modelFailed: true, agreed: null));
        aggregate.Add(Call(OutcomeClass.Ok, 1, modelFailed: false, agreed: null));

        Assert.Equal(0.25, RolloutFigures.Of(Minute, aggregate).ErrorRate);
    }

    [Fact]
    public void OfDrift_AnHourOverTheGate_BreaksOnlyDrift()
    {
        var gates = new RolloutGates { MaxErrorRate = 0.01, MaxDriftPsi = 0.2 };

        var breaches = RolloutDecisions.Breaches(gates, RolloutFigures.OfDrift(Minute, 0.3));

        Assert.Equal([(RolloutGates.DriftPsi, 0.3, 0.2)], breaches.Select(b => (b.Gate, b.Value, b.Limit)));
    }

    private static PredictionRecord Call(OutcomeClass outcome, int milliseconds, bool modelFailed, bool? agreed) => new()
    {
        Timestamp = Minute,
        Model = "fraud",
        Version = "3",
        Outcome = outcome,
        TotalTime = TimeSpan.FromMilliseconds(milliseconds),
        CallerAppId = "app",
        ModelFailed = modelFailed,
        Shadow = agreed is not null,
        Agreed = agreed,
    };
}
