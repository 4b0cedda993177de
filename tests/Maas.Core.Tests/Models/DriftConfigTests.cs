using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Tests.Models;

public sealed class DriftConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfig.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_FullBlock_ReadsEveryField()
    {
        var drift = Parse("""{"drift": {"sampleRate": 0.25, "baseline": {"from": "2026-11-01T00:00:00Z", "to": "2026-11-08T00:00:00Z"}, "thresholds": {"psi": 0.3, "jsd": 0.15}, "features": "channel"}}""").Drift!;

        Assert.Equal((0.25, false, 0.3, 0.15, DriftGranularity.Channel), (drift.SampleRate, drift.BaselineIsEvaluationSet, drift.PsiThreshold, drift.JsdThreshold, drift.Features));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), drift.BaselineFrom);
        Assert.Equal(new DateTimeOffset(2026, 11, 8, 0, 0, 0, TimeSpan.Zero), drift.BaselineTo);
    }

    [Fact]
    public void Parse_RateOnly_ComparesWithTheEvaluationSetAtTheUsualThresholds()
    {
        var drift = Parse("""{"drift": {"sampleRate": 1}}""").Drift!;

        Assert.Equal((true, DriftConfig.DefaultPsiThreshold, DriftConfig.DefaultJsdThreshold, DriftGranularity.Auto), (drift.BaselineIsEvaluationSet, drift.PsiThreshold, drift.JsdThreshold, drift.Features));
    }

    [Fact]
    public void ToJsonAndBack_DriftBlock_RoundTrips()
    {
        var config = Parse("""{"drift": {"sampleRate": 0.5, "features": "feature", "thresholds": {"psi": 0.25}}}""");

        Assert.Equal(config.Drift, ModelConfig.FromJson(config.ToJson()).Drift);
    }

    [Theory]
    [InlineData("""{"drift": {}}""", "needs 'sampleRate'")]
    [InlineData("""{"drift": {"sampleRate": 2}}""", "'drift.sampleRate' must be a number from 0 to 1")]
    [InlineData("""{"drift": {"sampleRate": 1, "baseline": "training"}}""", "'drift.baseline' must be \"evaluation\" or")]
    [InlineData("""{"drift": {"sampleRate": 1, "baseline": {"from": "2026-11-08T00:00:00Z", "to": "2026-11-01T00:00:00Z"}}}""", "with from before to")]
    [InlineData("""{"drift": {"sampleRate": 1, "baseline": {"from": "yesterday", "to": "2026-11-01T00:00:00Z"}}}""", "'drift.baseline.from' must be an ISO 8601 time")]
    [InlineData("""{"drift": {"sampleRate": 1, "thresholds": {"psi": 0}}}""", "'drift.thresholds.psi' must be a number above 0")]
    [InlineData("""{"drift": {"sampleRate": 1, "thresholds": {"kl": 0.1}}}""", "'drift.thresholds.kl' is unknown; expected psi or jsd")]
    [InlineData("""{"drift": {"sampleRate": 1, "features": "pixel"}}""", "'drift.features' is 'pixel'; expected auto, tensor, channel or feature")]
    [InlineData("""{"drift": {"sampleRate": 1, "window": 5}}""", "'drift.window' is unknown")]
    public void Parse_InvalidDrift_NamesTheFieldAndWhatWasExpected(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
