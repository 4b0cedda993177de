using Maas.Core.Evaluation;

namespace Maas.Core.Tests.Evaluation;

/// <summary>Every formula against values worked out by hand (and, where noted, scikit-learn's documented examples).</summary>
public sealed class MetricsTests
{
    private const int Digits = 12;

    [Fact]
    public void Classification_ThreeClasses_MatchesTheHandComputedConfusionMatrixAndAverages()
    {
        // Confusion matrix, rows expected, columns predicted: [2 1 0] [0 2 1] [1 0 3].
        int[] expected = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
        int[] predicted = [0, 0, 1, 1, 1, 2, 2, 2, 2, 0];

        var metrics = ClassificationMetrics.Compute(expected, predicted, classes: 3);

        Assert.Equal([[2, 1, 0], [0, 2, 1], [1, 0, 3]], metrics.ConfusionMatrix);
        Assert.Equal(0.7, metrics.Accuracy, Digits);
        // Per class: precision 2/3, 2/3, 3/4 (column sums 3, 3, 4); recall 2/3, 2/3, 3/4 (supports 3, 3, 4).
        Assert.Equal([2.0 / 3, 2.0 / 3, 0.75], metrics.PerClass.Select(c => Math.Round(c.Precision, Digits)), new RoundedEquality());
        Assert.Equal([3, 3, 4], metrics.PerClass.Select(c => c.Support));
        Assert.Equal(25.0 / 36, metrics.MacroPrecision, Digits);
        Assert.Equal(25.0 / 36, metrics.MacroRecall, Digits);
        Assert.Equal(25.0 / 36, metrics.MacroF1, Digits);
        Assert.Equal(0.7, metrics.WeightedPrecision, Digits);
        Assert.Equal(0.7, metrics.WeightedRecall, Digits);
        Assert.Equal(0.7, metrics.WeightedF1, Digits);
        Assert.Null(metrics.LogLoss);
    }

    [Fact]
    public void Classification_ClassNeverPredicted_HasPrecisionZeroAndLowersTheMacroAverage()
    {
        var metrics = ClassificationMetrics.Compute([0, 1, 1], [0, 0, 0], classes: 2);

        // Class 0: precision 1/3, recall 1, F1 0.5; class 1: nothing predicted, precision and recall 0.
        Assert.Equal(1.0 / 3, metrics.PerClass[0].Precision, Digits);
        Assert.Equal(0.5, metrics.PerClass[0].F1, Digits);
        Assert.Equal(0, metrics.PerClass[1].Precision);
        Assert.Equal(1.0 / 6, metrics.MacroPrecision, Digits);
    }

    [Fact]
    public void Classification_TwoClassesWithProbabilities_LogLossAndRocAuc()
    {
        // scikit-learn's roc_auc_score example: y [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8] → 0.75.
        int[] expected = [0, 0, 1, 1];
        double[][] probabilities = [[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]];

        var metrics = ClassificationMetrics.Compute(expected, [0, 0, 0, 1], classes: 2, probabilities);

        Assert.Equal(0.75, metrics.RocAuc!.Value, Digits);
        // −(ln 0.9 + ln 0.6 + ln 0.35 + ln 0.8) / 4
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.6) + Math.Log(0.35) + Math.Log(0.8)) / 4, metrics.LogLoss!.Value, Digits);
        Assert.Equal(0.47228795380917615, metrics.LogLoss!.Value, 12); // computed in Python
    }

    [Fact]
    public void Classification_TiedScores_ShareTheirRankInRocAuc()
    {
        var metrics = ClassificationMetrics.Compute([0, 1], [0, 0], classes: 2, [[0.5, 0.5], [0.5, 0.5]]);

        Assert.Equal(0.5, metrics.RocAuc!.Value, Digits);
    }

    [Fact]
    public void TopKAccuracy_CountsRowsWhoseTrueClassIsAmongTheKHighest()
    {
        double[][] scores = [[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.4, 0.35, 0.25]];

        // Row 0: class 0 is first; row 1: class 0 is last; row 2: class 1 is second.
        Assert.Equal(1.0 / 3, ClassificationMetrics.TopKAccuracy([0, 0, 1], scores, 1), Digits);
        Assert.Equal(2.0 / 3, ClassificationMetrics.TopKAccuracy([0, 0, 1], scores, 2), Digits);
    }

    [Fact]
    public void Softmax_OfLogits_IsTheNormalisedExponentials()
    {
        var probabilities = ClassificationMetrics.Softmax([0, Math.Log(3)]);

        Assert.Equal(0.25, probabilities[0], Digits);
        Assert.Equal(0.75, probabilities[1], Digits);
    }

    [Fact]
    public void Regression_KnownResiduals_MatchTheHandComputedFigures()
    {
        // scikit-learn's example: y [3, -0.5, 2, 7], predictions [2.5, 0.0, 2, 8]; residuals -0.5, 0.5, 0, 1.
        var metrics = RegressionMetrics.Compute([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);

        Assert.Equal(0.5, metrics.MeanAbsoluteError, Digits);
        Assert.Equal(Math.Sqrt(0.375), metrics.RootMeanSquaredError, Digits);
        // Mean 2.875; total sum of squares 29.1875; residual 1.5.
        Assert.Equal(1 - (1.5 / 29.1875), metrics.RSquared, Digits);
        Assert.Equal(1, metrics.MaxError, Digits);
        Assert.Equal(((0.5 / 3) + 1 + 0 + (1.0 / 7)) / 4, metrics.MeanAbsolutePercentageError!.Value, Digits);
        Assert.Equal(0, metrics.RowsLeftOutOfPercentage);
    }

    [Fact]
    public void Regression_ZeroTargets_AreLeftOutOfThePercentageAndCounted()
    {
        var metrics = RegressionMetrics.Compute([0, 2], [1, 1]);

        Assert.Equal(0.5, metrics.MeanAbsolutePercentageError!.Value, Digits);
        Assert.Equal(1, metrics.RowsLeftOutOfPercentage);
    }

    [Fact]
    public void OutputAgreement_Tolerances_CountElementsWithinAndTheLargestErrors()
    {
        // |2.1 − 2| = 0.1 > 0.05 + 0.01 × 2; |5 − 4| = 1 > 0.05 + 0.01 × 4.
        var agreement = OutputAgreement.Compute([1, 2, 3, 4], [1, 2.1, 3, 5], absolute: 0.05, relative: 0.01);

        Assert.Equal(0.5, agreement.FractionWithinTolerance, Digits);
        Assert.Equal(1, agreement.MaxAbsoluteError, Digits);
        Assert.Equal(0.25, agreement.MaxRelativeError, Digits);
    }

    private sealed class RoundedEquality : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Round(x, Digits) == Math.Round(y, Digits);

        public int GetHashCode(double obj) => Math.Round(obj, Digits).GetHashCode();
    }
}
