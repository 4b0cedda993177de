using Maas.Core.Models;

namespace Maas.Core.Drift;

/// <summary>
/// Prediction drift of a classification model: the class each row of its evaluated output predicts (config.json
/// <c>evaluation</c> with task <c>classification</c>), counted in one bin per class. A label output gives its labels; a
/// score output the class with the highest score (a single score column: class 1 when its probability is at least ½).
/// </summary>
/// <param name="Output">The output holding labels or scores.</param>
/// <param name="Classes">How many classes config.json <c>labels</c> names for it; null when it names none.</param>
public sealed record PredictionClasses(string Output, ScoreKind Scores, int? Classes)
{
    /// <summary>The class distribution <paramref name="config"/> asks for, when its evaluation is a classification of a tensor output.</summary>
    public static PredictionClasses? For(ModelConfig config, IReadOnlyList<TensorSignature> outputs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(outputs);
        if (config.Evaluation is not { Task: EvaluationTask.Classification } evaluation)
        {
            return null;
        }

        var output = evaluation.Output ?? (outputs.Count == 1 ? outputs[0].Name : null);
        return outputs.FirstOrDefault(o => o.Name == output) is { IsTensor: true } signature && signature.ElementType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String
            ? new PredictionClasses(signature.Name, evaluation.Scores, config.Labels.TryGetValue(signature.Name, out var labels) ? labels.Count : null)
            : null;
    }

    /// <summary>The class each of the <paramref name="rows"/> rows of <paramref name="values"/> predicts.</summary>
    public double[] Classify(ReadOnlySpan<double> values, long rows)
    {
        if (Scores == ScoreKind.Labels || rows <= 0)
        {
            return values.ToArray();
        }

        var width = (int)(values.Length / rows);
        if (width == 0)
        {
            return [];
        }

        var classes = new double[rows];
        for (var row = 0; row < rows; row++)
        {
            var scores = values.Slice(row * width, width);
            if (width == 1)
            {
                // P(class 1) ≥ ½, which for a logit is a score ≥ 0.
                classes[row] = scores[0] >= (Scores == ScoreKind.Logits ? 0 : 0.5) ? 1 : 0;
                continue;
            }

            var best = 0;
            for (var c = 1; c < width; c++)
            {
                best = scores[c] > scores[best] ? c : best;
            }

            classes[row] = best;
        }

        return classes;
    }

    /// <summary>Edges between classes 0 … K − 1 (at k + ½), K being the labels' count or, without labels, one more than the highest class seen (at least 2).</summary>
    public double[] Edges(double highestSeen)
    {
        var classes = Classes ?? Math.Max(2, (int)Math.Min(int.MaxValue - 1, Math.Max(0, highestSeen)) + 1);
        return [.. Enumerable.Range(0, classes - 1).Select(k => k + 0.5)];
    }
}
