using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maas.Core.Models;

/// <summary>What an evaluation set measures (written as in config.json wherever it is serialised).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EvaluationTask>))]
public enum EvaluationTask
{
    /// <summary>Class labels (or class scores) against expected labels.</summary>
    [JsonStringEnumMemberName("classification")]
    Classification,

    /// <summary>Numbers against expected numbers.</summary>
    [JsonStringEnumMemberName("regression")]
    Regression,

    /// <summary>Every element of the outputs against golden outputs, within a tolerance (re-exports, quantisation, opset upgrades).</summary>
    [JsonStringEnumMemberName("outputs")]
    Outputs,
}

/// <summary>What a classification output holds when it is not a label per row.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScoreKind>))]
public enum ScoreKind
{
    /// <summary>The output is one label per row.</summary>
    [JsonStringEnumMemberName("labels")]
    Labels,

    /// <summary>One probability per class and row (or, with one column, the probability of class 1 of two).</summary>
    [JsonStringEnumMemberName("probabilities")]
    Probabilities,

    /// <summary>One unnormalised score per class and row; probabilities are their softmax.</summary>
    [JsonStringEnumMemberName("logits")]
    Logits,
}

/// <summary>A bound a metric must meet for its version to be promoted.</summary>
/// <param name="Min">The metric must be at least this.</param>
/// <param name="Max">The metric must be at most this.</param>
public sealed record MetricGate(double? Min, double? Max)
{
    /// <summary>Null when <paramref name="value"/> meets the bound, else the reason, e.g. <c>accuracy 0.81 &lt; min 0.9</c>.</summary>
    public string? Violation(string metric, double value)
    {
        if (Min is { } min && !(value >= min))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{metric} {EvaluationMetrics.Format(value)} < min {EvaluationMetrics.Format(min)}");
        }

        return Max is { } max && !(value <= max)
            ? string.Create(CultureInfo.InvariantCulture, $"{metric} {EvaluationMetrics.Format(value)} > max {EvaluationMetrics.Format(max)}")
            : null;
    }
}

/// <summary>A new version is not promoted when it is worse than the current default by more than <paramref name="Tolerance"/> on <paramref name="Metric"/>.</summary>
public sealed record NoRegressionRule(string Metric, double Tolerance);

/// <summary>
/// config.json <c>evaluation</c>: what a version's <c>evaluation.jsonl</c> measures and what it must reach to become
/// the default. Absent means versions are promoted as soon as they are Ready.
/// </summary>
public sealed record EvaluationConfig
{
    public EvaluationTask Task { get; init; }

    /// <summary>The output measured (classification, regression); null for the only output, or every expected output (task outputs).</summary>
    public string? Output { get; init; }

    public ScoreKind Scores { get; init; } = ScoreKind.Labels;

    /// <summary>Bounds per metric name; all must hold.</summary>
    public IReadOnlyDictionary<string, MetricGate> Gates { get; init; } = new Dictionary<string, MetricGate>();

    public NoRegressionRule? NoRegression { get; init; }

    /// <summary>Task outputs: an element agrees when |actual − expected| ≤ absolute + relative·|expected|.</summary>
    public double AbsoluteTolerance { get; init; } = DefaultAbsoluteTolerance;

    public double RelativeTolerance { get; init; } = DefaultRelativeTolerance;

    public const double DefaultAbsoluteTolerance = 1e-5;
    public const double DefaultRelativeTolerance = 1e-4;

    /// <summary>Parses the <c>evaluation</c> object; throws <see cref="FormatException"/> naming the offending field.</summary>
    internal static EvaluationConfig Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("task", out _))
        {
            throw new FormatException("config.json field 'evaluation' must be an object with at least task (classification, regression or outputs).");
        }

        var config = new EvaluationConfig();
        var sawScores = false;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "task":
                    config = config with
                    {
                        Task = ConfigChoice.Parse(field.Value, "evaluation.task", ("classification", EvaluationTask.Classification), ("regression", EvaluationTask.Regression), ("outputs", EvaluationTask.Outputs)),
                    };
                    break;
                case "output":
                    config = config with
                    {
                        Output = field.Value.ValueKind == JsonValueKind.String && field.Value.GetString() is { Length: > 0 } output
                            ? output
                            : throw new FormatException("config.json field 'evaluation.output' must be the name of an output of the model."),
                    };
                    break;
                case "scores":
                    sawScores = true;
                    config = config with
                    {
                        Scores = ConfigChoice.Parse(field.Value, "evaluation.scores", ("probabilities", ScoreKind.Probabilities), ("logits", ScoreKind.Logits)),
                    };
                    break;
                case "gates":
                    config = config with { Gates = GatesOf(field.Value) };
                    break;
                case "noRegression":
                    config = config with { NoRegression = NoRegressionOf(field.Value) };
                    break;
                case "tolerance":
                    config = ToleranceOf(field.Value, config);
                    break;
                default:
                    throw new FormatException($"config.json field 'evaluation.{field.Name}' is unknown; expected task, output, scores, gates, noRegression or tolerance.");
            }
        }

        if (sawScores && config.Task != EvaluationTask.Classification)
        {
            throw new FormatException("config.json field 'evaluation.scores' applies to task classification only.");
        }

        var metrics = EvaluationMetrics.For(config.Task, config.Scores != ScoreKind.Labels);
        foreach (var metric in config.Gates.Keys.Concat(config.NoRegression is { } rule ? [rule.Metric] : []))
        {
            if (!metrics.Contains(metric))
            {
                throw new FormatException($"config.json field 'evaluation' names metric '{metric}', which task {config.Task.ToString().ToLowerInvariant()}{(config.Task == EvaluationTask.Classification && config.Scores == ScoreKind.Labels ? " without scores" : string.Empty)} does not measure; expected one of {string.Join(", ", metrics)}.");
            }
        }

        return config;
    }

    private static Dictionary<string, MetricGate> GatesOf(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("config.json field 'evaluation.gates' must be an object mapping a metric to {\"min\": x} or {\"max\": x}.");
        }

        var gates = new Dictionary<string, MetricGate>(StringComparer.Ordinal);
        foreach (var gate in value.EnumerateObject())
        {
            if (gate.Value.ValueKind != JsonValueKind.Object || !gate.Value.EnumerateObject().Any())
            {
                throw new FormatException($"config.json field 'evaluation.gates.{gate.Name}' must be {{\"min\": x}}, {{\"max\": x}} or both.");
            }

            var bound = new MetricGate(null, null);
            foreach (var side in gate.Value.EnumerateObject())
            {
                var number = side.Value.ValueKind == JsonValueKind.Number && double.IsFinite(side.Value.GetDouble())
                    ? side.Value.GetDouble()
                    : throw new FormatException($"config.json field 'evaluation.gates.{gate.Name}.{side.Name}' must be a number.");
                bound = side.Name switch
                {
                    "min" => bound with { Min = number },
                    "max" => bound with { Max = number },
                    _ => throw new FormatException($"config.json field 'evaluation.gates.{gate.Name}.{side.Name}' is unknown; expected min or max."),
                };
            }

            gates[gate.Name] = bound;
        }

        return gates;
    }

    private static NoRegressionRule NoRegressionOf(JsonElement value)
    {
        const string Expected = "config.json field 'evaluation.noRegression' must be {\"metric\": \"<metric>\", \"tolerance\": x} with x >= 0.";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException(Expected);
        }

        string? metric = null;
        double tolerance = 0;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "metric" when field.Value.ValueKind == JsonValueKind.String:
                    metric = field.Value.GetString();
                    break;
                case "tolerance" when field.Value.ValueKind == JsonValueKind.Number && field.Value.GetDouble() is >= 0 and var x && double.IsFinite(x):
                    tolerance = x;
                    break;
                case "metric" or "tolerance":
                    throw new FormatException(Expected);
                default:
                    throw new FormatException($"config.json field 'evaluation.noRegression.{field.Name}' is unknown; expected metric or tolerance.");
            }
        }

        return metric is { Length: > 0 } ? new NoRegressionRule(metric, tolerance) : throw new FormatException(Expected);
    }

    private static EvaluationConfig ToleranceOf(JsonElement value, EvaluationConfig config)
    {
        var (absolute, relative) = ConfigTolerance.Parse(value, "evaluation.tolerance", config.AbsoluteTolerance, config.RelativeTolerance);
        return config with { AbsoluteTolerance = absolute, RelativeTolerance = relative };
    }
}

/// <summary>The metric names each task reports, and which way is better: the vocabulary of gates, noRegression and the API.</summary>
public static class EvaluationMetrics
{
    public const string Accuracy = "accuracy";
    public const string MacroPrecision = "macroPrecision";
    public const string MacroRecall = "macroRecall";
    public const string MacroF1 = "macroF1";
    public const string WeightedPrecision = "weightedPrecision";
    public const string WeightedRecall = "weightedRecall";
    public const string WeightedF1 = "weightedF1";
    public const string Top2Accuracy = "top2Accuracy";
    public const string Top5Accuracy = "top5Accuracy";
    public const string LogLoss = "logLoss";
    public const string RocAuc = "rocAuc";
    public const string Mae = "mae";
    public const string Rmse = "rmse";
    public const string R2 = "r2";
    public const string MaxError = "maxError";
    public const string Mape = "mape";
    public const string WithinTolerance = "withinTolerance";
    public const string MaxAbsoluteError = "maxAbsoluteError";
    public const string MaxRelativeError = "maxRelativeError";

    private static readonly HashSet<string> LowerIsBetter = new(StringComparer.Ordinal) { LogLoss, Mae, Rmse, MaxError, Mape, MaxAbsoluteError, MaxRelativeError };

    /// <summary>The metrics a task can report (top-k, log loss and ROC AUC only from scores; top-k and ROC AUC only for enough classes).</summary>
    public static IReadOnlyList<string> For(EvaluationTask task, bool scores) => task switch
    {
        EvaluationTask.Classification when scores => [Accuracy, MacroPrecision, MacroRecall, MacroF1, WeightedPrecision, WeightedRecall, WeightedF1, Top2Accuracy, Top5Accuracy, LogLoss, RocAuc],
        EvaluationTask.Classification => [Accuracy, MacroPrecision, MacroRecall, MacroF1, WeightedPrecision, WeightedRecall, WeightedF1],
        EvaluationTask.Regression => [Mae, Rmse, R2, MaxError, Mape],
        _ => [WithinTolerance, MaxAbsoluteError, MaxRelativeError],
    };

    public static bool HigherIsBetter(string metric) => !LowerIsBetter.Contains(metric);

    /// <summary>A metric as reasons show it: up to 4 significant digits.</summary>
    public static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
