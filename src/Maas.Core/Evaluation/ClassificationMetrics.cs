namespace Maas.Core.Evaluation;

/// <summary>Precision, recall, F1 and support of one class.</summary>
public sealed record ClassFigures(double Precision, double Recall, double F1, int Support);

/// <summary>
/// Classification metrics over an evaluation set, as scikit-learn defines them (a class never predicted has precision
/// 0, never present has recall 0): accuracy, macro and support-weighted precision/recall/F1, per-class figures, the
/// confusion matrix (rows: expected class, columns: predicted class), and, when class scores are given, top-k
/// accuracy, log loss and, for two classes, ROC AUC.
/// </summary>
public sealed record ClassificationMetrics(
    double Accuracy,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    double WeightedPrecision,
    double WeightedRecall,
    double WeightedF1,
    IReadOnlyList<ClassFigures> PerClass,
    int[][] ConfusionMatrix,
    double? LogLoss,
    double? RocAuc)
{
    /// <summary>Probabilities are clipped to [ε, 1 − ε] before their logarithm, so one confident miss is a large loss, not an infinite one.</summary>
    public const double LogLossEpsilon = 1e-15;

    /// <param name="expected">The true class of each row, 0 to <paramref name="classes"/> − 1.</param>
    /// <param name="predicted">The predicted class of each row.</param>
    /// <param name="probabilities">Each row's class probabilities (summing to 1), for log loss and ROC AUC; null without scores.</param>
    public static ClassificationMetrics Compute(IReadOnlyList<int> expected, IReadOnlyList<int> predicted, int classes, IReadOnlyList<double[]>? probabilities = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(predicted);
        if (expected.Count != predicted.Count || expected.Count == 0)
        {
            throw new ArgumentException("Expected and predicted classes must be equally many, and at least one.", nameof(predicted));
        }

        var matrix = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        for (var row = 0; row < expected.Count; row++)
        {
            matrix[expected[row]][predicted[row]]++;
        }

        var perClass = Enumerable.Range(0, classes).Select(c =>
        {
            var truePositives = matrix[c][c];
            var predictedAs = matrix.Sum(row => row[c]);
            var support = matrix[c].Sum();
            var precision = predictedAs == 0 ? 0 : (double)truePositives / predictedAs;
            var recall = support == 0 ? 0 : (double)truePositives / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            return new ClassFigures(precision, recall, f1, support);
        }).ToList();

        double Weighted(Func<ClassFigures, double> figure) => perClass.Sum(c => figure(c) * c.Support) / expected.Count;
        return new ClassificationMetrics(
            (double)Enumerable.Range(0, classes).Sum(c => matrix[c][c]) / expected.Count,
            perClass.Average(c => c.Precision),
            perClass.Average(c => c.Recall),
            perClass.Average(c => c.F1),
            Weighted(c => c.Precision),
            Weighted(c => c.Recall),
            Weighted(c => c.F1),
            perClass,
            matrix,
            probabilities is null ? null : LogLossOf(expected, probabilities),
            probabilities is not null && classes == 2 ? RocAucOf(expected, [.. probabilities.Select(p => p[1])]) : null);
    }

    /// <summary>The fraction of rows whose true class is among the <paramref name="k"/> highest scores.</summary>
    public static double TopKAccuracy(IReadOnlyList<int> expected, IReadOnlyList<double[]> scores, int k)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(scores);
        var hits = 0;
        for (var row = 0; row < expected.Count; row++)
        {
            var truth = scores[row][expected[row]];
            var higher = scores[row].Count(score => score > truth);
            hits += higher < k ? 1 : 0;
        }

        return (double)hits / expected.Count;
    }

    /// <summary>Softmax of logits, for a score output that gives logits.</summary>
    public static double[] Softmax(IReadOnlyList<double> logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var max = logits.Max();
        var exponents = logits.Select(logit => Math.Exp(logit - max)).ToArray();
        var sum = exponents.Sum();
        return [.. exponents.Select(e => e / sum)];
    }

    private static double LogLossOf(IReadOnlyList<int> expected, IReadOnlyList<double[]> probabilities)
        => -Enumerable.Range(0, expected.Count).Average(row => Math.Log(Math.Clamp(probabilities[row][expected[row]], LogLossEpsilon, 1 - LogLossEpsilon)));

    /// <summary>Area under the ROC curve for class 1, by the rank statistic (ties share their average rank).</summary>
    private static double? RocAucOf(IReadOnlyList<int> expected, double[] positiveScores)
    {
        var positives = expected.Count(label => label == 1);
        var negatives = expected.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        var order = Enumerable.Range(0, positiveScores.Length).OrderBy(i => positiveScores[i]).ToArray();
        var ranks = new double[order.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && positiveScores[order[end + 1]] == positiveScores[order[start]])
            {
                end++;
            }

            for (var i = start; i <= end; i++)
            {
                ranks[order[i]] = ((start + end) / 2.0) + 1;
            }

            start = end + 1;
        }

        var positiveRanks = Enumerable.Range(0, ranks.Length).Where(i => expected[i] == 1).Sum(i => ranks[i]);
        return (positiveRanks - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
