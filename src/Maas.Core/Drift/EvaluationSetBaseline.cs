using System.Text.Json;
using Maas.Core.Evaluation;
using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Drift;

/// <summary>
/// The drift baseline of a version from its evaluation set: one <see cref="EvaluationPass"/> runs the rows through a
/// session made as serving makes it, and every numeric input and output is summarised per feature, channel or tensor
/// (config.json <c>drift.features</c>) over quantile bins of its own values.
/// </summary>
public sealed partial class EvaluationSetBaseline(EvaluationPass evaluationPass, ILogger<EvaluationSetBaseline> logger) : IVersionArtefact
{
    /// <summary>
    /// Builds the drift baseline from the version's evaluation.jsonl when config.json's <c>drift</c> compares with the
    /// evaluation set, and stores it before the row that points at it. Without the file there is no baseline yet; a
    /// file that cannot be used leaves the problem on the row.
    /// </summary>
    public async Task<ModelVersionRecord> BuildAsync(VersionArtefacts store, VersionArtefactSource ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(ready);
        var version = ready.Version;
        var evaluationSet = Path.Combine(ready.Folder.FullPath, ModelBlobPath.EvaluationFileName);
        if (version.Config.Drift is not { BaselineIsEvaluationSet: true } || !File.Exists(evaluationSet))
        {
            return version;
        }

        var run = Build(version, ready.Folder.GraphPath, evaluationSet, ready.Inspection, cancellationToken);
        var summary = run.Summary;
        if (run.Baseline is { } baseline)
        {
            summary = summary with { BlobPath = await store.StoreDocumentAsync(ready.Container, version, BlobSuffix, baseline, cancellationToken) };
        }
        else
        {
            LogNoBaseline(logger, version.Name, version.Version, summary.Problem ?? "no baseline");
        }

        return version with { DriftBaseline = summary };
    }

    /// <summary>
    /// The baseline of every numeric input and output over the rows of <paramref name="evaluationSetPath"/>, within the
    /// evaluation limits; a file that cannot be used becomes <see cref="DriftBaselineSummary.Problem"/>. Only
    /// <paramref name="cancellationToken"/> throws.
    /// </summary>
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

    /// <summary>What follows the version's sources hash in the baseline's blob name.</summary>
    private const string BlobSuffix = "-drift-baseline.json";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} has no drift baseline: {Problem}")]
    private static partial void LogNoBaseline(ILogger logger, string modelName, long modelVersion, string problem);
}

/// <summary>A baseline's summary and the baseline as JSON (null when it could not be built).</summary>
public sealed record DriftBaselineRun(DriftBaselineSummary Summary, byte[]? Baseline);
