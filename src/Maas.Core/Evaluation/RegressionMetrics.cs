namespace Maas.Core.Evaluation;

/// <summary>
/// Regression metrics over an evaluation set: mean absolute error, root mean squared error, R² (1 − residual over
/// total sum of squares), the largest absolute error, and the mean absolute percentage error over the rows whose
/// target is not zero (those are left out, and counted).
/// </summary>
public sealed record RegressionMetrics(double MeanAbsoluteError, double RootMeanSquaredError, double RSquared, double MaxError, double? MeanAbsolutePercentageError, int RowsLeftOutOfPercentage)
{
    public static RegressionMetrics Compute(IReadOnlyList<double> expected, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(predicted);
        if (expected.Count != predicted.Count || expected.Count == 0)
        {
            throw new ArgumentException("Expected and predicted values must be equally many, and at least one.", nameof(predicted));
        }

        var errors = Enumerable.Range(0, expected.Count).Select(i => predicted[i] - expected[i]).ToArray();
        var mean = expected.Average();
        var totalSquares = expected.Sum(value => (value - mean) * (value - mean));
        var residualSquares = errors.Sum(error => error * error);
        var percentages = Enumerable.Range(0, expected.Count).Where(i => expected[i] != 0).Select(i => Math.Abs(errors[i] / expected[i])).ToArray();
        return new RegressionMetrics(
            errors.Average(Math.Abs),
            Math.Sqrt(residualSquares / expected.Count),
            totalSquares == 0 ? (residualSquares == 0 ? 1 : 0) : 1 - (residualSquares / totalSquares),
            errors.Max(Math.Abs),
            percentages.Length == 0 ? null : percentages.Average(),
            expected.Count - percentages.Length);
    }
}
