using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Tests.Registry;

public sealed class PromotionPolicyTests
{
    private static readonly EvaluationConfig Gated = new()
    {
        Task = EvaluationTask.Classification,
        Gates = new Dictionary<string, MetricGate> { ["accuracy"] = new(0.9, null) },
        NoRegression = new NoRegressionRule("accuracy", 0.02),
    };

    private static ModelVersionRecord Row(long version, ModelStatus status = ModelStatus.Ready, double? accuracy = null, EvaluationConfig? evaluation = null, long? pinned = null)
    {
        var config = new ModelConfig { Evaluation = evaluation, DefaultVersion = pinned };
        EvaluationSummary? summary = null;
        if (accuracy is { } value && evaluation is not null)
        {
            var metrics = new Dictionary<string, double> { ["accuracy"] = value };
            summary = new EvaluationSummary { EvaluationSetSha256 = "abc", Metrics = metrics, Gates = EvaluationSummary.CheckGates(evaluation, metrics) };
        }

        return new ModelVersionRecord { Name = "m", Version = version, Status = status, BlobPath = $"m/{version}/model.onnx", Config = config, Evaluation = summary };
    }

    [Fact]
    public void Decide_NoEvaluationConfigured_HighestReadyIsDefault()
    {
        var decision = PromotionPolicy.Decide([Row(1), Row(2), Row(3, ModelStatus.Failed)]);

        Assert.Equal(2, decision.Default?.Version);
        Assert.Equal(PromotionPolicy.Default, decision.States[2].State);
        Assert.Equal(PromotionPolicy.Passed, decision.States[1].State);
        Assert.Equal(PromotionPolicy.NotReady, decision.States[3].State);
    }

    [Fact]
    public void Decide_NewerVersionFailsAGate_PreviousStaysDefaultAndNewerSaysWhy()
    {
        var decision = PromotionPolicy.Decide([Row(1, accuracy: 0.95, evaluation: Gated), Row(2, accuracy: 0.81, evaluation: Gated)]);

        Assert.Equal(1, decision.Default?.Version);
        Assert.Equal(new Promotion(PromotionPolicy.Rejected, "accuracy 0.81 < min 0.9"), decision.States[2]);
    }

    [Fact]
    public void Decide_NewerVersionNotEvaluatedYet_AwaitsEvaluationAndIsNotDefault()
    {
        var decision = PromotionPolicy.Decide([Row(1, accuracy: 0.95, evaluation: Gated), Row(2, evaluation: Gated)]);

        Assert.Equal(1, decision.Default?.Version);
        Assert.Equal(PromotionPolicy.AwaitingEvaluation, decision.States[2].State);
    }

    [Fact]
    public void Decide_NewerVersionPassesGatesButRegresses_IsRejectedByNoRegression()
    {
        // 0.97 → 0.94 loses 0.03 > tolerance 0.02; 0.96 would lose 0.01 and pass.
        var decision = PromotionPolicy.Decide([Row(1, accuracy: 0.97, evaluation: Gated), Row(2, accuracy: 0.94, evaluation: Gated), Row(3, accuracy: 0.96, evaluation: Gated)]);

        Assert.Equal(3, decision.Default?.Version);
        Assert.Equal(PromotionPolicy.Rejected, decision.States[2].State);
        Assert.Equal("accuracy 0.94 is below version 1's 0.97 by more than noRegression.tolerance 0.02", decision.States[2].Reason);
        Assert.Equal(PromotionPolicy.Passed, decision.States[1].State);
    }

    [Fact]
    public void Decide_LowerIsBetterMetric_RegressionIsAnIncrease()
    {
        var lossGated = new EvaluationConfig { Task = EvaluationTask.Regression, NoRegression = new NoRegressionRule("mae", 0.1) };
        ModelVersionRecord WithMae(long version, double mae) => Row(version, evaluation: lossGated) with
        {
            Evaluation = new EvaluationSummary { EvaluationSetSha256 = "abc", Metrics = new Dictionary<string, double> { ["mae"] = mae } },
        };

        var decision = PromotionPolicy.Decide([WithMae(1, 1.0), WithMae(2, 1.25)]);

        Assert.Equal(1, decision.Default?.Version);
        Assert.Equal("mae 1.25 is above version 1's 1 by more than noRegression.tolerance 0.1", decision.States[2].Reason);
    }

    [Fact]
    public void Decide_EvaluationProblem_IsRejectedWithTheProblem()
    {
        var broken = Row(2, evaluation: Gated) with { Evaluation = new EvaluationSummary { EvaluationSetSha256 = "abc", Problem = "evaluation.jsonl line 3 is not valid JSON (byte 7)." } };

        var decision = PromotionPolicy.Decide([broken]);

        Assert.Null(decision.Default);
        Assert.Equal(new Promotion(PromotionPolicy.Rejected, "evaluation.jsonl line 3 is not valid JSON (byte 7)."), decision.States[2]);
    }

    [Fact]
    public void Decide_DefaultVersionPinned_PinWinsOverEvaluation()
    {
        var decision = PromotionPolicy.Decide([Row(1, accuracy: 0.5, evaluation: Gated, pinned: 1), Row(2, accuracy: 0.99, evaluation: Gated, pinned: 1)]);

        Assert.Equal(1, decision.Default?.Version);
        Assert.Equal(PromotionPolicy.Default, decision.States[1].State);
        Assert.StartsWith("config.json defaultVersion pins this version (rejected: accuracy 0.5 < min 0.9)", decision.States[1].Reason, StringComparison.Ordinal);
        Assert.Equal(PromotionPolicy.Passed, decision.States[2].State);
        Assert.EndsWith("config.json defaultVersion pins version 1.", decision.States[2].Reason, StringComparison.Ordinal);
    }
}
