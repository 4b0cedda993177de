using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Tests.Registry;

public sealed class PromotionPolicyRolloutTests
{
    private static readonly DateTimeOffset Began = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static readonly RolloutConfig CanaryAndShadow = new()
    {
        Canary = new CanaryConfig(2, 10, CanarySticky.Caller),
        Shadow = new ShadowConfig(3, 100),
        Promote = new PromoteConfig(TimeSpan.FromHours(1), 100),
    };

    private static ModelVersionRecord Row(long version, RolloutConfig rollout, ModelStatus status = ModelStatus.Ready, EvaluationConfig? evaluation = null, EvaluationSummary? summary = null)
        => new() { Name = "m", Version = version, Status = status, BlobPath = $"m/{version}/model.onnx", Config = new ModelConfig { Rollout = rollout, Evaluation = evaluation }, Evaluation = summary };

    private static ModelVersionRecord[] Versions(RolloutConfig rollout, RolloutState? state = null)
    {
        var canary = Row(2, rollout);
        if (state is { } kept)
        {
            canary = canary with { Rollout = new RolloutRecord(2, 3, Began, kept, [new RolloutDecisionRecord(Began, kept, "why", 0, [])]) };
        }

        return [Row(1, rollout), canary, Row(3, rollout)];
    }

    [Fact]
    public void Decide_RunningRollout_DefaultStaysTheVersionBeforeItAndServesTheCanaryAndShadow()
    {
        var decision = PromotionPolicy.Decide(Versions(CanaryAndShadow));

        Assert.Equal(1, decision.Default?.Version);
        Assert.Equal([PromotionPolicy.Default, PromotionPolicy.Canary, PromotionPolicy.Shadow], new long[] { 1, 2, 3 }.Select(v => decision.States[v].State));
        Assert.Equal((RolloutState.Running, 2L, 3L), (decision.Rollout!.State, decision.Rollout.Canary!.Version, decision.Rollout.Shadow!.Version));
        Assert.Null(decision.Rollout.Record);
    }

    [Fact]
    public void Decide_PromotedCanary_IsTheDefaultAndNothingIsSplitOrCopied()
    {
        var decision = PromotionPolicy.Decide(Versions(CanaryAndShadow, RolloutState.Promoted));

        Assert.Equal(2, decision.Default?.Version);
        Assert.Equal("Promoted by its rollout: why", decision.States[2].Reason);
        Assert.Equal(PromotionPolicy.Shadow, decision.States[3].State);
        Assert.Equal((RolloutState.Promoted, null, null), (decision.Rollout!.State, decision.Rollout.Canary, decision.Rollout.Shadow));
    }

    [Fact]
    public void Decide_RolledBackCanary_TakesNoCallsAndIsNeverTheDefault()
    {
        var decision = PromotionPolicy.Decide(Versions(CanaryAndShadow, RolloutState.RolledBack));

        Assert.Equal(1, decision.Default?.Version);
        Assert.Equal(PromotionPolicy.RolledBack, decision.States[2].State);
        Assert.Null(decision.Rollout!.Canary);
    }

    [Fact]
    public void Decide_RecordOfAnotherRollout_IsIgnoredAndTheNewOneRuns()
    {
        var versions = Versions(CanaryAndShadow, RolloutState.RolledBack);
        versions[1] = versions[1] with { Rollout = versions[1].Rollout! with { Shadow = 9 } };

        var decision = PromotionPolicy.Decide(versions);

        Assert.Equal((RolloutState.Running, 2L), (decision.Rollout!.State, decision.Rollout.Canary!.Version));
        Assert.Null(decision.Rollout.Record);
    }

    [Fact]
    public void Decide_CanaryRejectedByItsEvaluation_IsNeverACanary()
    {
        var gated = new EvaluationConfig { Task = EvaluationTask.Classification, Gates = new Dictionary<string, MetricGate> { ["accuracy"] = new(0.9, null) } };
        EvaluationSummary Scored(double accuracy)
        {
            var metrics = new Dictionary<string, double> { ["accuracy"] = accuracy };
            return new EvaluationSummary { EvaluationSetSha256 = "abc", Metrics = metrics, Gates = EvaluationSummary.CheckGates(gated, metrics) };
        }

        var rollout = new RolloutConfig { Canary = new CanaryConfig(2, 50, CanarySticky.Request) };
        var decision = PromotionPolicy.Decide([Row(1, rollout, evaluation: gated, summary: Scored(0.95)), Row(2, rollout, evaluation: gated, summary: Scored(0.5))]);

        Assert.Equal(1, decision.Default?.Version);
        Assert.Equal(PromotionPolicy.Rejected, decision.States[2].State);
        Assert.EndsWith("takes no calls until it qualifies.", decision.States[2].Reason, StringComparison.Ordinal);
        Assert.Null(decision.Rollout!.Canary);
    }

    [Fact]
    public void Decide_CanaryNotUploadedYet_NothingIsSplitAndTheHighestReadyStaysDefault()
    {
        var rollout = new RolloutConfig { Canary = new CanaryConfig(5, 10, CanarySticky.Caller) };

        var decision = PromotionPolicy.Decide([Row(1, rollout), Row(2, rollout)]);

        Assert.Equal(2, decision.Default?.Version);
        Assert.Equal((RolloutState.Running, null, null), (decision.Rollout!.State, decision.Rollout.Canary, decision.Rollout.Record));
    }

    [Fact]
    public void Decide_ShadowNotReady_IsNotCopiedTo()
    {
        var rollout = new RolloutConfig { Shadow = new ShadowConfig(2, 100) };

        var decision = PromotionPolicy.Decide([Row(1, rollout), Row(2, rollout, ModelStatus.Failed)]);

        Assert.Equal(1, decision.Default?.Version);
        Assert.Null(decision.Rollout!.Shadow);
        Assert.Equal(PromotionPolicy.NotReady, decision.States[2].State);
    }
}
