using System.Text.Json;
using Maas.Core.Evaluation;
using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Drift;

/// <summary>
/// The drift baseline of a version from its evaluation set: one <see cref="EvaluationPass"/> runs the rows through a
/// session made as serving makes it, and every numeric input and output is summarised per feature, channel or tensor
/// (config.json <c>drift.features</c>) over quantile bins of its own values.
/// </summary>
public sealed class EvaluationSetBaseline(EvaluationPass evaluationPass) : IDriftBaselineBuilder
{
    public DriftBaselineRun Build(ModelVersionRecord version, string graphPath, string evaluationSetPath, ModelInspection inspection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(inspection);
        var drift = version.Config.Drift ?? throw new ArgumentException("The version's config has no drift.", nameof(version));
        var outputs = inspection.Outputs.Where(o => o.IsTensor && o.ElementType != TensorElementType.String).Select(o => o.Name).ToList();
        var collector = new BaselineCollector(drift.Features);
        var prediction = PredictionClasses.For(version.Config, inspection.Outputs);
        var pass = evaluationPass.Run(
            version,
            graphPath,
            evaluationSetPath,
            inspection,
            _ => outputs,
            (line, answer) => AddLine(collector, inspection, prediction, line, answer),
            rows =>
            {
                collector.Rows = rows;
                return collector.Build();
            },
            cancellationToken);
        var summary = new DriftBaselineSummary
        {
            EvaluationSetSha256 = pass.EvaluationSetSha256,
            Rows = pass.Rows,
            Tensors = pass.Result is { } baseline ? [.. baseline.Tensors.Select(t => t.Describe())] : [],
            Problem = pass.Problem,
        };
        return new DriftBaselineRun(summary, pass.Result is null ? null : JsonSerializer.SerializeToUtf8Bytes(pass.Result, DriftBaseline.Json));
    }

    /// <summary>The line's numeric inputs (booleans as 0 and 1), the model's numeric outputs for it and, for a classifier, the classes they predict.</summary>
    private static void AddLine(BaselineCollector collector, ModelInspection inspection, PredictionClasses? prediction, EvaluationExample line, IReadOnlyDictionary<string, OutputSlice> answer)
    {
        foreach (var input in inspection.Inputs.Where(i => i.IsTensor && i.ElementType != TensorElementType.String))
        {
            var values = line.Inputs[input.Name];
            // As the model receives them: a float input's values rounded to float, so that live values (which arrive
            // as floats) fall in the same bins as equal baseline values.
            collector.Add(DriftSide.Input, input.Name, values.Shape, [.. values.Values.Select(v => DriftBins.AsElement(input.ElementType, v.Number))]);
        }

        foreach (var (name, slice) in answer)
        {
            if (slice.Numbers is { } numbers)
            {
                collector.Add(DriftSide.Output, name, ShapeOf(inspection.Outputs.First(o => o.Name == name), slice), numbers);
            }
        }

        if (prediction is not null && answer.TryGetValue(prediction.Output, out var predicted) && predicted.Numbers is { } scores)
        {
            collector.AddPredictions(prediction, prediction.Classify(scores, predicted.Rows));
        }
    }

    /// <summary>The shape of one line's slice of an output: its rows, then the signature's other dimensions (a two-dimensional output's width from the slice).</summary>
    private static long[] ShapeOf(TensorSignature output, OutputSlice slice)
    {
        long[] shape = output.Shape.Count == 0 ? [] : [slice.Rows, .. output.Shape.Skip(1)];
        if (shape.Length == 2 && shape[1] < 0 && slice.Rows > 0)
        {
            shape[1] = slice.Count / slice.Rows;
        }

        return shape;
    }
}
