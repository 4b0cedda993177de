using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// Measures a registered graph on its version's evaluation set, the way serving would run it. Implemented by the
/// evaluation layer (<c>Evaluation/ModelEvaluator</c>); registration only stores what it found.
/// </summary>
public interface IModelEvaluator
{
    /// <summary>
    /// Runs <paramref name="version"/>'s graph at <paramref name="graphPath"/> (its config's <c>evaluation</c> says how) on every example of <paramref name="evaluationSetPath"/> within
    /// <c>Registry:MaxEvaluationRows</c> and <c>Registry:EvaluationTimeout</c>. Problems with the file or the model's
    /// answers become <see cref="EvaluationSummary.Problem"/>; only <paramref name="cancellationToken"/> throws.
    /// </summary>
    EvaluationRun Evaluate(ModelVersionRecord version, string graphPath, string evaluationSetPath, ModelInspection inspection, CancellationToken cancellationToken);
}

/// <summary>An evaluation's summary (for the registry row) and its full report (a JSON document for the evaluations container).</summary>
public sealed record EvaluationRun(EvaluationSummary Summary, byte[] Report);
