using Maas.Core.Models;
using Maas.Core.Rollout;

namespace Maas.Core.Tests.Rollout;

public sealed class ShadowComparisonTests
{
    private static readonly RolloutGates Gates = new() { AbsoluteTolerance = 1e-4, RelativeTolerance = 1e-3 };

    [Fact]
    public void Agrees_NumbersWithinAbsolutePlusRelativeTolerance_Agree()
    {
        // Allowed error at 10: 1e-4 + 1e-3 × 10 = 0.0101.
        Assert.True(ShadowComparison.Agrees(Gates, [10, 0], [10.0100, 0.0001]));
        Assert.False(ShadowComparison.Agrees(Gates, [10, 0], [10.0102, 0]));
        Assert.False(ShadowComparison.Agrees(Gates, [10, 0], [10]));
    }

    [Fact]
    public void Agrees_Labels_AgreeOnlyWhenEqual()
    {
        Assert.True(ShadowComparison.Agrees(["cat", "dog"], ["cat", "dog"]));
        Assert.False(ShadowComparison.Agrees(["cat", "dog"], ["cat", "Dog"]));
    }

    [Fact]
    public void Merge_TwoInstancesMinutes_GiveTheFiguresOfAllTheirCalls()
    {
        var minute = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var a = new RolloutMinute();
        var b = new RolloutMinute();
        for (var i = 0; i < 60; i++)
        {
            a.Add(failed: i < 3, TimeSpan.FromMilliseconds(10), agreed: i % 10 != 0);
        }

        for (var i = 0; i < 40; i++)
        {
            b.Add(failed: false, TimeSpan.FromMilliseconds(i < 30 ? 10 : 500), agreed: i < 20 ? true : null);
        }

        a.Merge(b);
        var figures = a.ToFigures(minute, driftPsi: 0.1);

        // 100 calls, 3 failed; 80 compared, 54 + 20 agreed; 10 of 100 at 500 ms put the p95 there.
        Assert.Equal((100L, 3L, 0.03), (figures.Requests, figures.Failed, figures.ErrorRate));
        Assert.Equal(74.0 / 80, figures.Agreement);
        Assert.InRange(figures.P95Ms, 495, 505);
        Assert.Equal(0.1, figures.DriftPsi);
        Assert.Null(new RolloutMinute().ToFigures(minute).Agreement);
    }
}
