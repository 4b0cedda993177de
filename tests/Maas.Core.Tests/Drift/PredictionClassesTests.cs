using Maas.Core.Drift;
using Maas.Core.Models;

namespace Maas.Core.Tests.Drift;

public sealed class PredictionClassesTests
{
    private static double[] Classes(PredictionClasses prediction, double[] values, long rows) => prediction.Classify(values, rows);

    [Fact]
    public void Classify_ScoresPerClass_TakesTheHighestScoreOfEachRow()
        => Assert.Equal([2.0, 0.0], Classes(new PredictionClasses("y", ScoreKind.Probabilities, null), [0.1, 0.2, 0.7, 0.5, 0.3, 0.2], rows: 2));

    [Fact]
    public void Classify_OneProbabilityColumn_IsClassOneFromOneHalf()
        => Assert.Equal([1.0, 0.0, 1.0], Classes(new PredictionClasses("y", ScoreKind.Probabilities, null), [0.5, 0.49, 0.9], rows: 3));

    [Fact]
    public void Classify_OneLogitColumn_IsClassOneFromZero()
        => Assert.Equal([1.0, 0.0], Classes(new PredictionClasses("y", ScoreKind.Logits, null), [0.0, -0.1], rows: 2));

    [Fact]
    public void Classify_Labels_AreTheClasses()
        => Assert.Equal([3.0, 1.0], Classes(new PredictionClasses("y", ScoreKind.Labels, null), [3, 1], rows: 2));

    [Fact]
    public void Edges_WithAndWithoutLabels_SplitBetweenClasses()
    {
        Assert.Equal([0.5, 1.5], new PredictionClasses("y", ScoreKind.Labels, 3).Edges(highestSeen: 1));
        Assert.Equal([0.5, 1.5, 2.5, 3.5], new PredictionClasses("y", ScoreKind.Labels, null).Edges(highestSeen: 4));
        Assert.Equal([0.5], new PredictionClasses("y", ScoreKind.Labels, null).Edges(highestSeen: 0));
    }

    [Fact]
    public void For_ClassificationOfATensorOutput_NamesItWithItsLabels()
    {
        var config = ModelConfig.Parse("""{"evaluation": {"task": "classification", "scores": "logits"}, "labels": {"y": ["a", "b", "c"]}}"""u8);

        var prediction = PredictionClasses.For(config, [TensorSignature.Tensor("y", Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, -1, 3)]);

        Assert.Equal(new PredictionClasses("y", ScoreKind.Logits, 3), prediction);
    }
}
