namespace Maas.Core.Evaluation;

/// <summary>
/// How closely an output matches golden values (for re-exports, quantisation, opset upgrades): the fraction of elements
/// within tolerance (|actual − expected| ≤ absolute + relative × |expected|), and the largest absolute and relative errors.
/// </summary>
public sealed record OutputAgreement(double FractionWithinTolerance, double MaxAbsoluteError, double MaxRelativeError)
{
    public static OutputAgreement Compute(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double absolute, double relative)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count || expected.Count == 0)
        {
            throw new ArgumentException("Expected and actual elements must be equally many, and at least one.", nameof(actual));
        }

        var within = 0;
        var maxAbsolute = 0.0;
        var maxRelative = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            within += error <= absolute + (relative * Math.Abs(expected[i])) ? 1 : 0;
            maxAbsolute = Math.Max(maxAbsolute, error);
            maxRelative = expected[i] == 0 ? maxRelative : Math.Max(maxRelative, error / Math.Abs(expected[i]));
        }

        return new OutputAgreement((double)within / expected.Count, maxAbsolute, maxRelative);
    }
}
