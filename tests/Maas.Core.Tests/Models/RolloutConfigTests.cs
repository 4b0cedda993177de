using System.Text.Json;
using Maas.Core.Models;

namespace Maas.Core.Tests.Models;

public sealed class RolloutConfigTests
{
    private static RolloutConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return RolloutConfig.Parse(document.RootElement);
    }

    [Fact]
    public void Parse_TheIssuesExample_ReadsEveryField()
    {
        var rollout = Parse("""
            { "canary": { "version": 3, "percent": 10, "sticky": "caller" },
              "shadow": { "version": 4, "percent": 100 },
              "gates":  { "errorRate": { "max": 0.01 }, "p95Ms": { "max": 250 }, "driftPsi": { "max": 0.2 },
                          "agreement": { "min": 0.98, "tolerance": { "absolute": 1e-4, "relative": 1e-3 } } },
              "promote": { "after": "01:00:00", "minRequests": 1000 },
              "rollback": true }
            """);

        Assert.Equal(new CanaryConfig(3, 10, CanarySticky.Caller), rollout.Canary);
        Assert.Equal(new ShadowConfig(4, 100), rollout.Shadow);
        Assert.Equal(new RolloutGates { MaxErrorRate = 0.01, MaxP95Ms = 250, MaxDriftPsi = 0.2, MinAgreement = 0.98, AbsoluteTolerance = 1e-4, RelativeTolerance = 1e-3 }, rollout.Gates);
        Assert.Equal(new PromoteConfig(TimeSpan.FromHours(1), 1_000), rollout.Promote);
        Assert.True(rollout.Rollback);
        Assert.Equal([3L, 4L], rollout.Versions);
    }

    [Fact]
    public void Parse_CanaryAlone_StickyByCallerNoGatesRollbackOn()
    {
        var rollout = Parse("""{"canary": {"version": 2, "percent": 5}}""");

        Assert.Equal((CanarySticky.Caller, true, (double?)null), (rollout.Canary!.Sticky, rollout.Rollback, rollout.Gates.MaxErrorRate));
        Assert.Null(rollout.Shadow);
    }

    [Theory]
    [InlineData("""{"gates": {}}""", "needs 'canary' or 'shadow'")]
    [InlineData("""{"canary": {"version": 3, "percent": 10}, "shadow": {"version": 3}}""", "are both 3")]
    [InlineData("""{"canary": {"version": 3, "percent": 110}}""", "'rollout.canary.percent' must be a number from 0 to 100")]
    [InlineData("""{"canary": {"version": 0, "percent": 10}}""", "'rollout.canary.version' must be a version number")]
    [InlineData("""{"canary": {"percent": 10}}""", "needs 'version'")]
    [InlineData("""{"canary": {"version": 3, "percent": 10, "sticky": "session"}}""", "'rollout.canary.sticky' is 'session'; expected caller or request")]
    [InlineData("""{"canary": {"version": 3, "percent": 10, "weight": 1}}""", "'rollout.canary.weight' is unknown")]
    [InlineData("""{"canary": {"version": 3, "percent": 10}, "gates": {"latency": {"max": 1}}}""", "'rollout.gates.latency' is unknown")]
    [InlineData("""{"canary": {"version": 3, "percent": 10}, "gates": {"errorRate": {"max": 2}}}""", "'rollout.gates.errorRate.max' must be a number from 0 to 1")]
    [InlineData("""{"canary": {"version": 3, "percent": 10}, "gates": {"agreement": {"tolerance": {"absolute": 1}}}}""", "needs 'min'")]
    [InlineData("""{"canary": {"version": 3, "percent": 10}, "promote": {"after": "soon"}}""", "'rollout.promote.after' must be a positive time span")]
    [InlineData("""{"shadow": {"version": 4}, "promote": {"after": "01:00:00"}}""", "only a canary is promoted")]
    [InlineData("""{"canary": {"version": 3, "percent": 10}, "rollback": "yes"}""", "'rollout.rollback' must be true or false")]
    [InlineData("""{"canary": {"version": 3, "percent": 10}, "mode": "blue-green"}""", "'rollout.mode' is unknown; expected canary, shadow, gates, promote or rollback")]
    public void Parse_BadBlock_NamesTheFieldAndWhatWasExpected(string json, string message)
        => Assert.Contains(message, Assert.Throws<FormatException>(() => Parse(json)).Message, StringComparison.Ordinal);
}

public sealed class ModelConfigRolloutTests
{
    private const string Rollout = """
        {"rollout": {"canary": {"version": 3, "percent": 10, "sticky": "request"}, "shadow": {"version": 4},
                     "gates": {"errorRate": {"max": 0.01}, "agreement": {"min": 0.98, "tolerance": {"absolute": 1e-4}}},
                     "promote": {"after": "01:00:00", "minRequests": 1000}, "rollback": false}}
        """;

    [Fact]
    public void Parse_ConfigWithRollout_KeepsItThroughTheRegistrysJson()
    {
        var config = ModelConfig.Parse(System.Text.Encoding.UTF8.GetBytes(Rollout));

        var stored = ModelConfig.FromJson(config.ToJson());

        Assert.Equal(new CanaryConfig(3, 10, CanarySticky.Request), stored.Rollout!.Canary);
        Assert.Equal(new ShadowConfig(4, 100), stored.Rollout.Shadow);
        Assert.Equal(config.Rollout!.Gates, stored.Rollout.Gates);
        Assert.Equal(new PromoteConfig(TimeSpan.FromHours(1), 1_000), stored.Rollout.Promote);
        Assert.False(stored.Rollout.Rollback);
    }

    [Fact]
    public void Parse_PinnedDefaultWithPromotion_IsRefusedNamingBothFields()
    {
        var error = Assert.Throws<FormatException>(() => ModelConfig.Parse("""{"defaultVersion": 2, "rollout": {"canary": {"version": 3, "percent": 10}, "promote": {"after": "00:10:00"}}}"""u8));

        Assert.Contains("'defaultVersion' and 'rollout.promote'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ShadowOfAGenerativeModel_IsRefused()
    {
        var error = Assert.Throws<FormatException>(() => ModelConfig.Parse("""{"generation": {"task": "text-generation"}, "rollout": {"shadow": {"version": 2}}}"""u8));

        Assert.Contains("'rollout.shadow' is for tensor models", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownTopLevelField_NamesRolloutAmongTheExpected()
    {
        var error = Assert.Throws<FormatException>(() => ModelConfig.Parse("""{"rollouts": {}}"""u8));

        Assert.EndsWith("generation or rollout.", error.Message, StringComparison.Ordinal);
    }
}
