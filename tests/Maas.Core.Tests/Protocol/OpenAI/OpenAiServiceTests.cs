using Maas.Core.Serving;
using Maas.TestKit.Azurite;
using Maas.TestKit.Generation;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Protocol.OpenAI;

/// <summary>Generative calls metered in tokens: the measurement, the per-minute records and the rollups the metrics API reads.</summary>
[Collection(UsesAzurite.Name)]
public sealed class OpenAiServiceTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task CompleteAsync_TwoCallsOfTwoCallers_TokensAndTimeToFirstTokenReachTheRollupPerCaller()
    {
        var name = await _serving.AddModelFolderAsync(TinyGpt2.Graph(), TinyGpt2.TokenizerFiles(), TinyGpt2.Config);
        var now = DateTimeOffset.UtcNow;

        await _serving.CompleteAsync($$"""{"model": "{{name}}", "prompt": "The quick brown fox", "max_tokens": 10}""", chat: false, new Caller("app-a", null, new HashSet<string>(), new HashSet<string>()));
        Assert.Equal((4, 10), (_serving.LastMeasurement!.PromptTokens, _serving.LastMeasurement.CompletionTokens));
        Assert.NotNull(_serving.LastMeasurement.TimeToFirstToken);
        Assert.NotNull(_serving.LastMeasurement.TimePerOutputToken);
        await _serving.CompleteAsync($$"""{"model": "{{name}}", "messages": [{"role": "user", "content": "The quick brown fox"}], "max_tokens": 5}""", chat: true, new Caller("app-b", null, new HashSet<string>(), new HashSet<string>()));
        await _serving.RollUpAsync(now);

        var report = await _serving.MetricsQuery.GetAsync(name, "hour", null, null, null, null, CancellationToken.None);

        var point = Assert.Single(report.Points);
        Assert.Equal((8, 15), (point.PromptTokens, point.CompletionTokens));
        Assert.Equal((4, 10), (point.Callers["app-a"].PromptTokens, point.Callers["app-a"].CompletionTokens));
        Assert.Equal((4, 5), (point.Callers["app-b"].PromptTokens, point.Callers["app-b"].CompletionTokens));
        Assert.True(point.TimeToFirstTokenMs!["p50"] > 0);
        Assert.True(point.TimePerOutputTokenMs!["p50"] > 0);
    }

    public void Dispose() => _serving.Dispose();
}
