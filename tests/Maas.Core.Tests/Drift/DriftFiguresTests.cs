using Maas.Core.Drift;
using Maas.Core.Models;

namespace Maas.Core.Tests.Drift;

public sealed class DriftFiguresTests
{
    /// <summary>Two bins split at 0, with 60 and 40 baseline values; mean 0 and variance 4.</summary>
    private static readonly FeatureBaseline Baseline = new([0.0], [60, 40], 100, 0, 0, 4, -3, 3);

    private static readonly DriftConfig Config = new() { SampleRate = 1 };

    private static DriftSummary Period(int below, int above)
    {
        var summary = new DriftSummary(2);
        for (var i = 0; i < below; i++)
        {
            summary.Add(-1, Baseline.Edges);
        }

        for (var i = 0; i < above; i++)
        {
            summary.Add(1, Baseline.Edges);
        }

        return summary;
    }

    [Fact]
    public void Of_ShareMovedBetweenBins_GivesHandComputedFiguresAndFlags()
    {
        var figures = DriftFigures.Of(Baseline, Period(20, 80), Config, minimumValues: 100);

        // PSI = (0.2 − 0.6) ln(0.2/0.6) + (0.8 − 0.4) ln(0.8/0.4) = 0.4394449 + 0.2772589.
        Assert.Equal(0.7167038, figures.Psi!.Value, 6);
        // m = (0.4, 0.6): KL(p‖m) = 0.6 log2 1.5 + 0.4 log2(2/3) = 0.1169925; KL(q‖m) = 0.2 log2 0.5 + 0.8 log2(4/3) = 0.1320300.
        Assert.Equal(Math.Sqrt((0.1169925 + 0.1320300) / 2), figures.Jsd!.Value, 6);
        // Mean 0.6 against baseline mean 0 and standard deviation 2.
        Assert.Equal(0.3, figures.MeanShift!.Value, 12);
        Assert.True(figures.Flagged);
    }

    [Fact]
    public void Of_FewerValuesThanTheMinimum_ReportsButDoesNotFlag()
    {
        var figures = DriftFigures.Of(Baseline, Period(2, 8), Config, minimumValues: 100);

        Assert.Equal(0.7167038, figures.Psi!.Value, 6);
        Assert.False(figures.Flagged);
    }

    [Fact]
    public void Of_BelowBothThresholds_IsNotFlagged()
    {
        // Shares (0.55, 0.45): PSI = (−0.05) ln(0.55/0.6) + 0.05 ln(0.45/0.4) = 0.0102397, distance ≈ 0.036.
        var figures = DriftFigures.Of(Baseline, Period(55, 45), Config, minimumValues: 100);

        Assert.Equal(0.0102397, figures.Psi!.Value, 6);
        Assert.False(figures.Flagged);
    }

    [Fact]
    public void Of_NoValuesInThePeriod_HasNoFigures()
    {
        var figures = DriftFigures.Of(Baseline, new DriftSummary(2), Config, minimumValues: 1);

        Assert.Equal(new DriftFigures(null, null, null, false), figures);
    }
}
