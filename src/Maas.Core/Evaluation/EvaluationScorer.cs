using System.Globalization;
using System.Text.Json;
using Maas.Core.Models;

namespace Maas.Core.Evaluation;

/// <summary>The metrics of a finished evaluation: the headline figures by name, and the report's task-specific details.</summary>
public sealed record Measured(IReadOnlyDictionary<string, double> Metrics, object Details);

/// <summary>
/// Collects, line by line, what the model answered against what the evaluation set expected, and computes the task's
/// metrics at the end. A line whose answer does not fit what it expects throws <see cref="EvaluationSetException"/>.
/// </summary>
public abstract class EvaluationScorer
{
    /// <summary>The outputs the model is asked for.</summary>
    public abstract IReadOnlyList<string> Outputs { get; }

    public abstract void Add(EvaluationExample line, IReadOnlyDictionary<string, OutputSlice> answer);

    public abstract Measured Finish();

    /// <summary>
    /// The scorer for <paramref name="config"/>'s evaluation of <paramref name="model"/>; throws
    /// <see cref="EvaluationSetException"/> when the configured output is not one the model has.
    /// </summary>
    public static EvaluationScorer For(ModelConfig config, ModelInspection model, IReadOnlyCollection<string> expectedOutputs)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(expectedOutputs);
        var evaluation = config.Evaluation ?? throw new ArgumentException("The model has no evaluation config.", nameof(config));
        if (evaluation.Task == EvaluationTask.Outputs)
        {
            return new OutputsScorer(evaluation, evaluation.Output is { } only ? [CheckOutput(only, model)] : [.. expectedOutputs.Order(StringComparer.Ordinal)]);
        }

        var output = evaluation.Output is { } named
            ? CheckOutput(named, model)
            : model.Outputs.Count == 1
                ? model.Outputs[0].Name
                : throw new EvaluationSetException($"config.json evaluation.output must name the output measured; the model has outputs {string.Join(", ", model.Outputs.Select(o => o.Name))}.");
        return evaluation.Task == EvaluationTask.Classification
            ? new ClassificationScorer(
                output,
                evaluation.Scores,
                config.Labels.TryGetValue(output, out var labels) ? labels : null,
                namedClasses: model.Outputs.First(o => o.Name == output).ElementType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.String)
            : new RegressionScorer(output);
    }

    private static string CheckOutput(string name, ModelInspection model)
        => model.Outputs.FirstOrDefault(o => o.Name == name) is { Kind: TensorKind.Tensor }
            ? name
            : throw new EvaluationSetException($"config.json evaluation.output '{name}' is not a tensor output of the model; its outputs are {string.Join(", ", model.Outputs.Select(o => o.Name))}.");

    /// <summary>What <paramref name="line"/> expects of <paramref name="output"/>.</summary>
    protected static NestedArray ExpectedOf(EvaluationExample line, string output)
        => line.Expected.TryGetValue(output, out var expected)
            ? expected
            : throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, $"has no expected value for output '{output}'"));

    protected static double[] NumbersOf(EvaluationExample line, string output, OutputSlice answer)
        => answer.Numbers ?? throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, $"compares output '{output}' as numbers, but the model answers strings"));

    protected static void CheckCount(EvaluationExample line, string output, long expected, long actual, string unit)
    {
        if (expected != actual)
        {
            throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, string.Create(CultureInfo.InvariantCulture, $"expects {expected} {unit} of output '{output}', and the model answered {actual}")));
        }
    }
}

/// <summary>
/// Labels (or class scores) against expected labels: <see cref="ClassificationMetrics"/>. A label output that is a string
/// tensor (ML.NET's and scikit-learn's classifiers trained on class names) is compared by name when config.json gives no
/// <c>labels</c>: the classes are then the names expected or predicted, in ordinal order.
/// </summary>
/// <param name="namedClasses">Whether the output is a string tensor of class names.</param>
internal sealed class ClassificationScorer(string output, ScoreKind scores, IReadOnlyList<string>? labels, bool namedClasses = false) : EvaluationScorer
{
    private static readonly int[] TopK = [2, 5];

    private readonly List<int> _expected = [];
    private readonly List<int> _predicted = [];

    /// <summary>Names expected and predicted, when the classes are the output's own names (no config.json labels).</summary>
    private readonly (List<string> Expected, List<string> Predicted)? _names = namedClasses && labels is null && scores == ScoreKind.Labels ? ([], []) : null;
    private readonly List<double[]> _probabilities = [];

    /// <summary>Class index by name, from config.json labels (the first of repeated names).</summary>
    private readonly Dictionary<string, int>? _classByName = labels?.Select((name, index) => (name, index)).DistinctBy(pair => pair.name).ToDictionary(pair => pair.name, pair => pair.index, StringComparer.Ordinal);
    private int? _columns;

    public override IReadOnlyList<string> Outputs => [output];

    public override void Add(EvaluationExample line, IReadOnlyDictionary<string, OutputSlice> answer)
    {
        if (_names is var (expectedNames, predictedNames))
        {
            var named = ExpectedOf(line, output).Values.Select(label => NameOf(line, label)).ToList();
            var answered = answer[output].Strings!;
            CheckCount(line, output, named.Count, answered.Length, "labels");
            expectedNames.AddRange(named);
            predictedNames.AddRange(answered);
            return;
        }

        var expected = ExpectedOf(line, output).Values.Select(label => ClassOf(line, label, "expected label")).ToList();
        var slice = answer[output];
        if (scores == ScoreKind.Labels)
        {
            CheckCount(line, output, expected.Count, slice.Count, "labels");
            _predicted.AddRange(Enumerable.Range(0, slice.Count).Select(i => ClassOf(line, slice.Strings is { } s ? new JsonScalar(JsonValueKind.String, double.NaN, null, s[i]) : NumberScalar(slice.Numbers![i]), "predicted label")));
        }
        else
        {
            var numbers = NumbersOf(line, output, slice);
            if (expected.Count == 0 || numbers.Length % expected.Count != 0 || (_columns is { } known && numbers.Length / expected.Count != known))
            {
                throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, string.Create(CultureInfo.InvariantCulture, $"expects {expected.Count} labels, and output '{output}' answered {numbers.Length} scores, which is not {(_columns is { } c ? c.ToString(CultureInfo.InvariantCulture) : "a whole number of")} per row")));
            }

            _columns = numbers.Length / expected.Count;
            for (var row = 0; row < expected.Count; row++)
            {
                var probabilities = Probabilities(numbers.AsSpan(row * _columns.Value, _columns.Value));
                _probabilities.Add(probabilities);
                _predicted.Add(Array.IndexOf(probabilities, probabilities.Max()));
            }
        }

        _expected.AddRange(expected);
    }

    public override Measured Finish()
    {
        IReadOnlyList<string>? classNames = _names is var (expectedNames, predictedNames) ? NameClasses(expectedNames, predictedNames) : labels;
        if (_expected.Count == 0)
        {
            throw new EvaluationSetException("evaluation.jsonl has no examples.");
        }

        var scored = _columns is { } columns ? Math.Max(columns, 2) : (int?)null;
        if (classNames is not null && scored is { } width && classNames.Count != width)
        {
            throw new EvaluationSetException(string.Create(CultureInfo.InvariantCulture, $"config.json labels for output '{output}' name {classNames.Count} classes, and the output scores {width}."));
        }

        var classes = classNames?.Count ?? scored ?? _expected.Concat(_predicted).Max() + 1;
        if (_expected.Concat(_predicted).Max() >= classes)
        {
            throw new EvaluationSetException(string.Create(CultureInfo.InvariantCulture, $"evaluation.jsonl has class {_expected.Concat(_predicted).Max()}, but output '{output}' has {classes} classes ({(classNames is null ? "its scores per row" : "config.json labels")})."));
        }

        var metrics = ClassificationMetrics.Compute(_expected, _predicted, classes, scores == ScoreKind.Labels ? null : _probabilities);
        var figures = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [EvaluationMetrics.Accuracy] = metrics.Accuracy,
            [EvaluationMetrics.MacroPrecision] = metrics.MacroPrecision,
            [EvaluationMetrics.MacroRecall] = metrics.MacroRecall,
            [EvaluationMetrics.MacroF1] = metrics.MacroF1,
            [EvaluationMetrics.WeightedPrecision] = metrics.WeightedPrecision,
            [EvaluationMetrics.WeightedRecall] = metrics.WeightedRecall,
            [EvaluationMetrics.WeightedF1] = metrics.WeightedF1,
        };
        if (scores != ScoreKind.Labels)
        {
            foreach (var k in TopK.Where(k => k < classes))
            {
                figures[string.Create(CultureInfo.InvariantCulture, $"top{k}Accuracy")] = ClassificationMetrics.TopKAccuracy(_expected, _probabilities, k);
            }

            figures[EvaluationMetrics.LogLoss] = metrics.LogLoss!.Value;
            if (metrics.RocAuc is { } auc)
            {
                figures[EvaluationMetrics.RocAuc] = auc;
            }
        }

        var names = Enumerable.Range(0, classes).Select(c => classNames?[c] ?? c.ToString(CultureInfo.InvariantCulture)).ToList();
        return new Measured(figures, new
        {
            classes = names,
            perClass = metrics.PerClass.Select((figure, c) => new { @class = names[c], figure.Precision, figure.Recall, figure.F1, figure.Support }),
            confusionMatrix = metrics.ConfusionMatrix,
        });
    }

    /// <summary>The classes as the sorted union of the names; the names become class indices into it.</summary>
    private List<string> NameClasses(List<string> expected, List<string> predicted)
    {
        var classes = expected.Concat(predicted).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = classes.Select((name, i) => (name, i)).ToDictionary(pair => pair.name, pair => pair.i, StringComparer.Ordinal);
        _expected.AddRange(expected.Select(name => index[name]));
        _predicted.AddRange(predicted.Select(name => index[name]));
        return classes;
    }

    /// <summary>An expected label of an output of class names: a string.</summary>
    private string NameOf(EvaluationExample line, JsonScalar label) => label is { Kind: JsonValueKind.String, Text: { } text }
        ? text
        : throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, $"has expected label {label}; output '{output}' answers class names, so expected labels are class names (strings)"));

    private double[] Probabilities(ReadOnlySpan<double> row)
    {
        if (row.Length == 1)
        {
            var positive = scores == ScoreKind.Logits ? 1 / (1 + Math.Exp(-row[0])) : row[0];
            return [1 - positive, positive];
        }

        return scores == ScoreKind.Logits ? ClassificationMetrics.Softmax(row.ToArray()) : row.ToArray();
    }

    private static JsonScalar NumberScalar(double value)
        => new(JsonValueKind.Number, value, value == Math.Floor(value) && Math.Abs(value) < long.MaxValue ? (long)value : null, null);

    /// <summary>A label as a class index: an integer from 0, true/false as 1/0, or a class name of config.json labels.</summary>
    private int ClassOf(EvaluationExample line, JsonScalar label, string what) => label switch
    {
        { Kind: JsonValueKind.Number, Whole: >= 0 and <= int.MaxValue and var index } => (int)index,
        { Kind: JsonValueKind.True } => 1,
        { Kind: JsonValueKind.False } => 0,
        { Kind: JsonValueKind.String, Text: var text } when _classByName is not null && _classByName.TryGetValue(text!, out var index) => index,
        { Kind: JsonValueKind.String } when labels is null => throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, $"has {what} {label}; class names need config.json labels for output '{output}'")),
        _ => throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, $"has {what} {label}; expected a class index from 0, true/false{(labels is null ? string.Empty : " or one of config.json labels for output '" + output + "'")}")),
    };
}

/// <summary>Numbers against expected numbers: <see cref="RegressionMetrics"/>.</summary>
internal sealed class RegressionScorer(string output) : EvaluationScorer
{
    private readonly List<double> _expected = [];
    private readonly List<double> _predicted = [];

    public override IReadOnlyList<string> Outputs => [output];

    public override void Add(EvaluationExample line, IReadOnlyDictionary<string, OutputSlice> answer)
    {
        var expected = ExpectedOf(line, output).Values;
        var numbers = NumbersOf(line, output, answer[output]);
        CheckCount(line, output, expected.Length, numbers.Length, "values");
        _expected.AddRange(expected.Select(value => value.Kind == JsonValueKind.Number
            ? value.Number
            : throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, $"expects {value} of output '{output}'; regression compares numbers"))));
        _predicted.AddRange(numbers);
    }

    public override Measured Finish()
    {
        if (_expected.Count == 0)
        {
            throw new EvaluationSetException("evaluation.jsonl has no examples.");
        }

        var metrics = RegressionMetrics.Compute(_expected, _predicted);
        var figures = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [EvaluationMetrics.Mae] = metrics.MeanAbsoluteError,
            [EvaluationMetrics.Rmse] = metrics.RootMeanSquaredError,
            [EvaluationMetrics.R2] = metrics.RSquared,
            [EvaluationMetrics.MaxError] = metrics.MaxError,
        };
        if (metrics.MeanAbsolutePercentageError is { } mape)
        {
            figures[EvaluationMetrics.Mape] = mape;
        }

        return new Measured(figures, new { rowsLeftOutOfMape = metrics.RowsLeftOutOfPercentage });
    }
}

/// <summary>Every element of the outputs against golden outputs: <see cref="OutputAgreement"/> per output, the worst across them.</summary>
internal sealed class OutputsScorer(EvaluationConfig config, IReadOnlyList<string> outputs) : EvaluationScorer
{
    private readonly Dictionary<string, (List<double> Expected, List<double> Actual)> _values = outputs.ToDictionary(o => o, _ => (new List<double>(), new List<double>()), StringComparer.Ordinal);

    public override IReadOnlyList<string> Outputs => outputs;

    public override void Add(EvaluationExample line, IReadOnlyDictionary<string, OutputSlice> answer)
    {
        foreach (var output in outputs)
        {
            var expected = ExpectedOf(line, output).Values;
            var numbers = NumbersOf(line, output, answer[output]);
            CheckCount(line, output, expected.Length, numbers.Length, "elements");
            _values[output].Expected.AddRange(expected.Select(value => value.Kind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                ? value.Number
                : throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, $"expects {value} in output '{output}'; golden outputs are numbers"))));
            _values[output].Actual.AddRange(numbers);
        }
    }

    public override Measured Finish()
    {
        if (_values.Values.Any(v => v.Expected.Count == 0))
        {
            throw new EvaluationSetException("evaluation.jsonl has no examples.");
        }

        var perOutput = _values.ToDictionary(
            pair => pair.Key,
            pair => OutputAgreement.Compute(pair.Value.Expected, pair.Value.Actual, config.AbsoluteTolerance, config.RelativeTolerance),
            StringComparer.Ordinal);
        var figures = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [EvaluationMetrics.WithinTolerance] = perOutput.Values.Min(a => a.FractionWithinTolerance),
            [EvaluationMetrics.MaxAbsoluteError] = perOutput.Values.Max(a => a.MaxAbsoluteError),
            [EvaluationMetrics.MaxRelativeError] = perOutput.Values.Max(a => a.MaxRelativeError),
        };
        return new Measured(figures, new { tolerance = new { absolute = config.AbsoluteTolerance, relative = config.RelativeTolerance }, outputs = perOutput });
    }
}
