using Maas.Core.Drift;

namespace Maas.Core.Tests.Drift;

public sealed class DriftStatisticsTests
{
    [Fact]
    public void PopulationStabilityIndex_ShiftedQuartiles_MatchesTheHandComputedSum()
    {
        // Shares e = 0.25 each, a = 0.1, 0.2, 0.3, 0.4:
        // (-0.15)·ln 0.4 + (-0.05)·ln 0.8 + 0.05·ln 1.2 + 0.15·ln 1.6 = 0.1374436 + 0.0111572 + 0.0091161 + 0.0705005.
        var psi = DriftStatistics.PopulationStabilityIndex([25, 25, 25, 25], [10, 20, 30, 40]);

        Assert.Equal(0.2282174, psi!.Value, 7);
    }

    [Fact]
    public void PopulationStabilityIndex_SameSharesAtAnyScale_IsZero()
    {
        Assert.Equal(0, DriftStatistics.PopulationStabilityIndex([1, 2, 3], [100, 200, 300])!.Value, 12);
    }

    [Fact]
    public void PopulationStabilityIndex_EmptyBin_CountsAsTheSmallShare()
    {
        // e = (0.5, 0.5), a = (1, 0 → 1e-4): (1 − 0.5)·ln(1 / 0.5) + (1e-4 − 0.5)·ln(1e-4 / 0.5).
        var expected = (0.5 * Math.Log(2)) + ((1e-4 - 0.5) * Math.Log(1e-4 / 0.5));

        Assert.Equal(expected, DriftStatistics.PopulationStabilityIndex([50, 50], [10, 0])!.Value, 12);
    }

    [Fact]
    public void JensenShannonDistance_HandComputedCase_IsTheRootOfTheDivergence()
    {
        // p = (0.5, 0.5), q = (1, 0), m = (0.75, 0.25): KL(p‖m) = 0.5·log2(2/3) + 0.5·log2 2 = 0.207519,
        // KL(q‖m) = log2(4/3) = 0.415037; divergence 0.311278, distance √ = 0.557923.
        Assert.Equal(0.557923, DriftStatistics.JensenShannonDistance([5, 5], [7, 0])!.Value, 6);
    }

    [Theory]
    [InlineData(new long[] { 3, 0 }, new long[] { 0, 9 }, 1.0)]
    [InlineData(new long[] { 2, 6 }, new long[] { 1, 3 }, 0.0)]
    public void JensenShannonDistance_DisjointOrIdentical_IsOneOrZero(long[] p, long[] q, double expected)
    {
        Assert.Equal(expected, DriftStatistics.JensenShannonDistance(p, q)!.Value, 12);
    }

    [Fact]
    public void Distances_EmptyHistogram_AreUndefined()
    {
        Assert.Null(DriftStatistics.PopulationStabilityIndex([0, 0], [1, 2]));
        Assert.Null(DriftStatistics.JensenShannonDistance([1, 2], [0, 0]));
    }

    [Fact]
    public void MeanShift_InBaselineStandardDeviations()
    {
        // Baseline mean 10, variance 4 (σ = 2); period mean 13: 1.5 σ.
        Assert.Equal(1.5, DriftStatistics.MeanShift(10, 4, 13));
        Assert.Null(DriftStatistics.MeanShift(10, 0, 13));
    }

    [Fact]
    public void FromQuantiles_OneToTen_CutsAtLinearlyInterpolatedQuartiles()
    {
        // (n − 1)·q = 2.25, 4.5, 6.75 → 3.25, 5.5, 7.75 (NumPy's default interpolation).
        var edges = DriftBins.FromQuantiles([.. Enumerable.Range(1, 10).Select(i => (double)i), double.NaN], bins: 4);

        Assert.Equal([3.25, 5.5, 7.75], edges);
        Assert.Equal(0, DriftBins.BinOf(edges, 3.25));
        Assert.Equal(1, DriftBins.BinOf(edges, 3.26));
        Assert.Equal(3, DriftBins.BinOf(edges, 100));
        Assert.Equal(0, DriftBins.BinOf(edges, -100));
    }

    [Fact]
    public void FromQuantiles_FewDistinctValues_MergesEqualEdges()
    {
        // Deciles of five 0s and five 1s sit at positions 0.9k: 0 for k ≤ 4, 0.5 at k = 5 (between the two), 1 above.
        Assert.Equal([0.0, 0.5, 1.0], DriftBins.FromQuantiles([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], bins: 10));
        Assert.Empty(DriftBins.FromQuantiles([double.NaN]));
    }

    [Fact]
    public void Merge_TwoHalves_EqualsOnePassOverAll()
    {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population variance 4.
        double[] values = [2, 4, 4, 4, 5, 5, 7, 9];
        double[] edges = [4, 6];
        var whole = new DriftSummary(3);
        var first = new DriftSummary(3);
        var second = new DriftSummary(3);
        for (var i = 0; i < values.Length; i++)
        {
            whole.Add(values[i], edges);
            (i < 3 ? first : second).Add(values[i], edges);
        }

        second.Add(double.NaN, edges);
        first.Merge(second);

        Assert.Equal((8L, 1L, 2.0, 9.0), (first.Count, first.NonFinite, first.Min, first.Max));
        Assert.Equal(5, first.Mean, 12);
        Assert.Equal(4, first.Variance, 12);
        Assert.Equal(4, whole.Variance, 12);
        Assert.Equal([4L, 2L, 2L], first.Histogram);
        Assert.Equal(whole.Histogram, first.Histogram);
    }
}
