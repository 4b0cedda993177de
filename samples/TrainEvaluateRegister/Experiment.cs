using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TrainEvaluateRegister;

/// <summary>A trainer with one hyper-parameter to search: its name, the values tried, and how to build it with one of them.</summary>
public sealed record Candidate(string Trainer, string Parameter, IReadOnlyList<double> Values, Func<double, IEstimator<ITransformer>> Create);

/// <summary>Accuracy, precision, recall and F1 (macro over the classes), and the confusion matrix (rows: true class, columns: predicted).</summary>
public sealed record HeldOutMetrics(double Accuracy, double Precision, double Recall, double F1, int[][] ConfusionMatrix);

/// <summary>
/// What differs between a binary and a multi-class problem in ML.NET: the label's column type, the trainers, the
/// cross-validation figure used to choose, the evaluator, and what the served model is evaluated on.
/// </summary>
public abstract class Experiment(MLContext ml)
{
    protected MLContext Ml { get; } = ml;

    /// <summary>The cross-validation metric models are chosen by.</summary>
    public abstract string SelectionMetric { get; }

    public abstract IReadOnlyList<Candidate> Candidates { get; }

    /// <summary>The ONNX output the service evaluates, and the config.json <c>evaluation</c> block for it.</summary>
    public abstract string EvaluatedOutput { get; }

    public abstract string EvaluationJson { get; }

    /// <summary>Examples as a data view with a <c>Features</c> vector of <paramref name="featureCount"/> and a <c>Label</c>.</summary>
    public abstract IDataView ToDataView(IEnumerable<Example> examples, int featureCount);

    /// <summary>Mean <see cref="SelectionMetric"/> over 5 folds of <paramref name="train"/>.</summary>
    public abstract double CrossValidate(IDataView train, IEstimator<ITransformer> trainer, int seed);

    /// <summary>The label as evaluation.jsonl writes it for <see cref="EvaluatedOutput"/>.</summary>
    public abstract string ExpectedLabel(int label);

    /// <summary>The class ML.NET predicted for each row of <paramref name="scored"/>, 0-based.</summary>
    protected abstract IEnumerable<int> PredictedClasses(IDataView scored);

    /// <summary>Normalisation to zero mean and unit variance, then the trainer: one pipeline, exported to ONNX whole.</summary>
    public IEstimator<ITransformer> Pipeline(IEstimator<ITransformer> trainer) => Ml.Transforms.NormalizeMeanVariance("Features").Append(trainer);

    /// <summary>Scores <paramref name="test"/> with ML.NET and computes the held-out metrics from its predictions.</summary>
    public HeldOutMetrics Evaluate(ITransformer model, IReadOnlyList<Example> test, int classes)
    {
        var predicted = PredictedClasses(model.Transform(ToDataView(test, test[0].Features.Length))).ToList();
        var matrix = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        for (var row = 0; row < test.Count; row++)
        {
            matrix[test[row].Label][predicted[row]]++;
        }

        var precision = new double[classes];
        var recall = new double[classes];
        var f1 = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            var predictedAs = matrix.Sum(row => row[c]);
            var actual = matrix[c].Sum();
            precision[c] = predictedAs == 0 ? 0 : (double)matrix[c][c] / predictedAs;
            recall[c] = actual == 0 ? 0 : (double)matrix[c][c] / actual;
            f1[c] = precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }

        var correct = Enumerable.Range(0, classes).Sum(c => matrix[c][c]);
        return new HeldOutMetrics((double)correct / test.Count, precision.Average(), recall.Average(), f1.Average(), matrix);
    }

    protected static double[] Grid(params double[] values) => values;
}

/// <summary>Two classes: a <c>bool</c> label; the service evaluates <c>PredictedLabel.output</c>, the label ML.NET decides.</summary>
public sealed class BinaryExperiment(MLContext ml) : Experiment(ml)
{
    public override string SelectionMetric => "F1";

    public override IReadOnlyList<Candidate> Candidates =>
    [
        new("SdcaLogisticRegression", "l2Regularization", Grid(1e-3, 1e-2, 1e-1), l2 => Ml.BinaryClassification.Trainers.SdcaLogisticRegression(l2Regularization: (float)l2)),
        new("LbfgsLogisticRegression", "l2Regularization", Grid(1e-2, 1e-1, 1), l2 => Ml.BinaryClassification.Trainers.LbfgsLogisticRegression(l2Regularization: (float)l2)),
        new("FastTree", "numberOfTrees", Grid(20, 50, 100), trees => Ml.BinaryClassification.Trainers.FastTree(numberOfTrees: (int)trees)),
    ];

    public override string EvaluatedOutput => "PredictedLabel.output";

    public override string EvaluationJson => """
        {"task": "classification", "output": "PredictedLabel.output",
         "gates": {"accuracy": {"min": 0.9}, "macroF1": {"min": 0.85}},
         "noRegression": {"metric": "macroF1", "tolerance": 0.02}}
        """;

    public override IDataView ToDataView(IEnumerable<Example> examples, int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(BinaryRow));
        schema[nameof(BinaryRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        return Ml.Data.LoadFromEnumerable(examples.Select(e => new BinaryRow { Features = e.Features, Label = e.Label == 1 }), schema);
    }

    public override double CrossValidate(IDataView train, IEstimator<ITransformer> trainer, int seed)
        => Ml.BinaryClassification.CrossValidateNonCalibrated(train, Pipeline(trainer), numberOfFolds: 5, seed: seed).Average(fold => fold.Metrics.F1Score);

    public override string ExpectedLabel(int label) => label == 1 ? "true" : "false";

    protected override IEnumerable<int> PredictedClasses(IDataView scored)
        => scored.GetColumn<bool>("PredictedLabel").Select(positive => positive ? 1 : 0);
}

/// <summary>
/// Many classes: a key label (loading class c from the 0-based value c makes it key c + 1, and column c of the scores);
/// the service evaluates <c>Score.output</c>, one probability per class.
/// </summary>
public sealed class MulticlassExperiment(MLContext ml, int classes) : Experiment(ml)
{
    public override string SelectionMetric => "macro accuracy";

    public override IReadOnlyList<Candidate> Candidates =>
    [
        new("LbfgsMaximumEntropy", "l2Regularization", Grid(1e-2, 1e-1, 1), l2 => Ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(l2Regularization: (float)l2)),
        new("SdcaMaximumEntropy", "l2Regularization", Grid(1e-3, 1e-2, 1e-1), l2 => Ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(l2Regularization: (float)l2, maximumNumberOfIterations: 10)),
        new("OneVersusAll(FastTree)", "numberOfTrees", Grid(10, 20, 40), trees => Ml.MulticlassClassification.Trainers.OneVersusAll(Ml.BinaryClassification.Trainers.FastTree(numberOfTrees: (int)trees))),
    ];

    public override string EvaluatedOutput => "Score.output";

    public override string EvaluationJson => """
        {"task": "classification", "output": "Score.output", "scores": "probabilities",
         "gates": {"accuracy": {"min": 0.9}},
         "noRegression": {"metric": "accuracy", "tolerance": 0.01}}
        """;

    public override IDataView ToDataView(IEnumerable<Example> examples, int featureCount)
    {
        var schema = SchemaDefinition.Create(typeof(KeyRow));
        schema[nameof(KeyRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);
        schema[nameof(KeyRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        return Ml.Data.LoadFromEnumerable(examples.Select(e => new KeyRow { Features = e.Features, Label = (uint)e.Label }), schema);
    }

    public override double CrossValidate(IDataView train, IEstimator<ITransformer> trainer, int seed)
        => Ml.MulticlassClassification.CrossValidate(train, Pipeline(trainer), numberOfFolds: 5, seed: seed).Average(fold => fold.Metrics.MacroAccuracy);

    public override string ExpectedLabel(int label) => label.ToString(CultureInfo.InvariantCulture);

    protected override IEnumerable<int> PredictedClasses(IDataView scored)
        => scored.GetColumn<uint>("PredictedLabel").Select(key => (int)key - 1);
}

/// <summary>A row of a binary data set as ML.NET reads it (the vector's size is set by the schema).</summary>
public sealed class BinaryRow
{
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }
}

/// <summary>A row of a multi-class data set: the label is the 0-based class, which ML.NET reads as key class + 1.</summary>
public sealed class KeyRow
{
    public float[] Features { get; set; } = [];

    public uint Label { get; set; }
}

/// <summary>Features only: the schema the ONNX export is made from, so the served model takes no label input.</summary>
public sealed class FeatureRow
{
    public float[] Features { get; set; } = [];
}
