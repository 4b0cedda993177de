using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// Builds the baseline drift is measured against from a version's evaluation set: its inputs, and the outputs the
/// model gives for them. Implemented by drift (<c>Drift/EvaluationSetBaseline</c>).
/// </summary>
public interface IDriftBaselineBuilder
{
    /// <summary>
    /// The baseline of every numeric input and output over the rows of <paramref name="evaluationSetPath"/>, within the
    /// evaluation limits; a file that cannot be used becomes <see cref="DriftBaselineSummary.Problem"/>. Only
    /// <paramref name="cancellationToken"/> throws.
    /// </summary>
    DriftBaselineRun Build(ModelVersionRecord version, string graphPath, string evaluationSetPath, ModelInspection inspection, CancellationToken cancellationToken);
}

/// <summary>A baseline's summary and the baseline as JSON (null when it could not be built).</summary>
public sealed record DriftBaselineRun(DriftBaselineSummary Summary, byte[]? Baseline);
