using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Tests.Models;

public sealed class EvaluationConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfig.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_FullClassificationBlock_ReadsEveryField()
    {
        var config = Parse("""
            {"evaluation": {"task": "classification", "output": "probs", "scores": "logits",
              "gates": {"accuracy": {"min": 0.9}, "logLoss": {"max": 0.5}},
              "noRegression": {"metric": "macroF1", "tolerance": 0.01}}}
            """);

        var evaluation = config.Evaluation!;
        Assert.Equal((EvaluationTask.Classification, "probs", ScoreKind.Logits), (evaluation.Task, evaluation.Output, evaluation.Scores));
        Assert.Equal(new MetricGate(0.9, null), evaluation.Gates["accuracy"]);
        Assert.Equal(new MetricGate(null, 0.5), evaluation.Gates["logLoss"]);
        Assert.Equal(new NoRegressionRule("macroF1", 0.01), evaluation.NoRegression);
    }

    [Fact]
    public void Parse_OutputsTolerance_ReadsBothBounds()
    {
        var evaluation = Parse("""{"evaluation": {"task": "outputs", "tolerance": {"absolute": 0.001, "relative": 0.01}}}""").Evaluation!;

        Assert.Equal((0.001, 0.01), (evaluation.AbsoluteTolerance, evaluation.RelativeTolerance));
    }

    [Fact]
    public void ToJsonAndBack_EvaluationBlock_RoundTrips()
    {
        var config = Parse("""{"evaluation": {"task": "regression", "output": "y", "gates": {"mae": {"max": 2}}, "noRegression": {"metric": "rmse", "tolerance": 0.5}}}""");

        var back = ModelConfig.FromJson(config.ToJson()).Evaluation!;

        Assert.Equal((EvaluationTask.Regression, "y"), (back.Task, back.Output));
        Assert.Equal(new MetricGate(null, 2), back.Gates["mae"]);
        Assert.Equal(new NoRegressionRule("rmse", 0.5), back.NoRegression);
    }

    [Theory]
    [InlineData("""{"evaluation": {"output": "y"}}""", "at least task")]
    [InlineData("""{"evaluation": {"task": "ranking"}}""", "'evaluation.task' is 'ranking'; expected classification, regression or outputs")]
    [InlineData("""{"evaluation": {"task": "regression", "threshold": 1}}""", "'evaluation.threshold' is unknown")]
    [InlineData("""{"evaluation": {"task": "regression", "scores": "logits"}}""", "applies to task classification only")]
    [InlineData("""{"evaluation": {"task": "regression", "gates": {"accuracy": {"min": 0.9}}}}""", "names metric 'accuracy', which task regression does not measure")]
    [InlineData("""{"evaluation": {"task": "classification", "gates": {"logLoss": {"max": 0.9}}}}""", "which task classification without scores does not measure")]
    [InlineData("""{"evaluation": {"task": "classification", "gates": {"accuracy": {"at least": 0.9}}}}""", "'evaluation.gates.accuracy.at least' is unknown; expected min or max")]
    [InlineData("""{"evaluation": {"task": "classification", "gates": {"accuracy": {}}}}""", "'evaluation.gates.accuracy' must be")]
    [InlineData("""{"evaluation": {"task": "classification", "gates": {"accuracy": {"min": "high"}}}}""", "'evaluation.gates.accuracy.min' must be a number")]
    [InlineData("""{"evaluation": {"task": "classification", "noRegression": {"metric": "accuracy", "tolerance": -1}}}""", "'evaluation.noRegression' must be")]
    [InlineData("""{"evaluation": {"task": "classification", "noRegression": {"tolerance": 0.1}}}""", "'evaluation.noRegression' must be")]
    [InlineData("""{"evaluation": {"task": "outputs", "tolerance": {"absolute": -0.1}}}""", "'evaluation.tolerance.absolute' must be a number >= 0")]
    [InlineData("""{"evaluation": {"task": "outputs", "output": ""}}""", "'evaluation.output' must be the name of an output")]
    public void Parse_InvalidEvaluation_NamesTheFieldAndWhatWasExpected(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.9, null, 0.81, "accuracy 0.81 < min 0.9")]
    [InlineData(null, 0.5, 0.75, "accuracy 0.75 > max 0.5")]
    [InlineData(0.9, null, 0.9, null)]
    [InlineData(0.1, 0.5, 0.3, null)]
    public void Violation_ValueAgainstBounds_ExplainsTheMiss(double? min, double? max, double value, string? expected)
    {
        Assert.Equal(expected, new MetricGate(min, max).Violation("accuracy", value));
    }

    [Fact]
    public void CheckGates_MetricNotMeasured_FailsTheGateSayingSo()
    {
        var config = Parse("""{"evaluation": {"task": "classification", "scores": "probabilities", "gates": {"rocAuc": {"min": 0.8}, "accuracy": {"min": 0.5}}}}""").Evaluation!;

        var gates = EvaluationSummary.CheckGates(config, new Dictionary<string, double> { ["accuracy"] = 0.75 });

        Assert.Equal(["accuracy", "rocAuc"], gates.Select(g => g.Metric));
        Assert.True(gates[0].Passed);
        Assert.False(gates[1].Passed);
        Assert.Equal("rocAuc was not measured for this evaluation set", gates[1].Reason);
    }

    [Fact]
    public void HigherIsBetter_ErrorsAndLosses_AreLowerIsBetter()
    {
        Assert.True(EvaluationMetrics.HigherIsBetter("accuracy"));
        Assert.True(EvaluationMetrics.HigherIsBetter("r2"));
        Assert.False(EvaluationMetrics.HigherIsBetter("logLoss"));
        Assert.False(EvaluationMetrics.HigherIsBetter("mae"));
        Assert.False(EvaluationMetrics.HigherIsBetter("maxRelativeError"));
    }
}
