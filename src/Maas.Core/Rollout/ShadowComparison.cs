using Maas.Core.Evaluation;
using Maas.Core.Models;

namespace Maas.Core.Rollout;

/// <summary>
/// Whether a shadow's answer to a call agrees with the default's, as the evaluation's <c>outputs</c> task defines
/// agreement: labels (strings) equal, numbers within the gates' absolute + relative × |expected| tolerance, every
/// element of every output. Outputs of different shapes never agree.
/// </summary>
public static class ShadowComparison
{
    public static bool Agrees(RolloutGates gates, IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        ArgumentNullException.ThrowIfNull(gates);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Count != actual.Count)
        {
            return false;
        }

        return expected.Count == 0 || OutputAgreement.Compute(expected, actual, gates.AbsoluteTolerance, gates.RelativeTolerance).FractionWithinTolerance == 1;
    }

    public static bool Agrees(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        return expected.SequenceEqual(actual, StringComparer.Ordinal);
    }
}
