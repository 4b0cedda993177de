using Maas.Core.Drift;
using Maas.Core.Models;

namespace Maas.Core.Tests.Drift;

public sealed class BaselineCollectorTests
{
    [Fact]
    public void Merge_TwoCollectorsOfHalves_BuildsTheBaselineOfTheWhole()
    {
        var whole = new BaselineCollector(DriftGranularity.Feature);
        var (first, second) = (new BaselineCollector(DriftGranularity.Feature, seed: 1), new BaselineCollector(DriftGranularity.Feature, seed: 2));
        double[] values = [.. Enumerable.Range(1, 40).Select(i => (double)i)];
        whole.Add(DriftSide.Input, "x", [20, 2], values);
        first.Add(DriftSide.Input, "x", [10, 2], values.AsSpan(0, 20));
        second.Add(DriftSide.Input, "x", [10, 2], values.AsSpan(20));
        (whole.Rows, first.Rows, second.Rows) = (20, 10, 10);

        first.Merge(second);

        var merged = first.Build();
        Assert.Equal(20, merged.Rows);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(whole.Build()), System.Text.Json.JsonSerializer.Serialize(merged));
        // Feature 0 holds the odd numbers 1 … 39: mean 20; its first decile sits at position 19 · 0.1 = 1.9 of the
        // sorted values, between 3 and 5: 3 + 0.9 · 2.
        Assert.Equal(20, merged.Tensors[0].Features[0].Mean, 12);
        Assert.Equal(4.8, merged.Tensors[0].Features[0].Edges[0], 12);
    }

    [Fact]
    public void Build_MoreValuesThanKept_KeepsAUniformSampleForTheBins()
    {
        var collector = new BaselineCollector(DriftGranularity.Tensor, seed: 7);
        double[] values = [.. Enumerable.Range(0, 3 * BaselineCollector.MaxKeptValues).Select(i => (double)i)];

        collector.Add(DriftSide.Input, "x", [values.Length], values);

        var feature = collector.Build().Tensors[0].Features[0];
        Assert.Equal(values.Length, feature.Count);
        Assert.Equal(BaselineCollector.MaxKeptValues, feature.Histogram.Sum());
        // The median edge of a uniform sample of 0 … 59 999 lies near 30 000 (its standard error is about 210).
        Assert.InRange(feature.Edges[4], 29_000, 31_000);
    }

    [Fact]
    public void AddPredictions_Classes_CountOneBinPerClass()
    {
        var collector = new BaselineCollector(DriftGranularity.Auto);

        collector.AddPredictions(new PredictionClasses("y", ScoreKind.Labels, 3), [0, 2, 2, 1, 2]);

        var tensor = collector.Build().Tensors.Single();
        Assert.Equal((DriftSide.Prediction, "y"), (tensor.Side, tensor.Name));
        Assert.Equal([0.5, 1.5], tensor.Features[0].Edges);
        Assert.Equal([1L, 1L, 3L], tensor.Features[0].Histogram);
    }
}
