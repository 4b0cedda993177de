using Maas.Core.Inference;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Serving;

/// <summary>A starting instance loads the busiest model versions of the last hour, by the rollups, within its limits.</summary>
[Collection(UsesAzurite.Name)]
public sealed class SessionPrewarmerTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task PrewarmAsync_BusiestVersionsOfTheLastHour_AreLoadedUpToPrewarmModels()
    {
        var (busiest, second, quiet) = await PredictAndAggregateAsync(3, 2, 1);
        using var fresh = _serving.FreshSessions();

        var loaded = await _serving.Prewarmer(fresh, new InferenceOptions { PrewarmModels = 2 }).PrewarmAsync(CancellationToken.None);

        Assert.Equal(2, loaded);
        Assert.NotNull(fresh.LoadedProviderOf(busiest, 1));
        Assert.NotNull(fresh.LoadedProviderOf(second, 1));
        Assert.Null(fresh.LoadedProviderOf(quiet, 1));
    }

    [Fact]
    public async Task PrewarmAsync_ByteBudget_LoadsOnlyWhatFits()
    {
        var (busiest, second, _) = await PredictAndAggregateAsync(3, 2, 1);
        var size = (await _serving.Registry.RowAsync(busiest, 1))!.SizeBytes;
        var options = new InferenceOptions { PrewarmModels = 3, MaxCachedModelBytes = size + (size / 2) };
        using var fresh = _serving.FreshSessions(options);

        var loaded = await _serving.Prewarmer(fresh, options).PrewarmAsync(CancellationToken.None);

        Assert.Equal(1, loaded);
        Assert.NotNull(fresh.LoadedProviderOf(busiest, 1));
        Assert.Null(fresh.LoadedProviderOf(second, 1));
    }

    [Fact]
    public async Task IsSettled_BeforeAndAfterPrewarming()
    {
        using var fresh = _serving.FreshSessions();
        var prewarmer = _serving.Prewarmer(fresh, new InferenceOptions { PrewarmModels = 1, PrewarmTimeout = TimeSpan.FromMinutes(1) });
        var off = _serving.Prewarmer(fresh, new InferenceOptions { PrewarmModels = 0 });

        Assert.False(prewarmer.IsSettled);
        Assert.Equal(0, await prewarmer.PrewarmAsync(CancellationToken.None));
        Assert.True(prewarmer.IsSettled);
        Assert.True(off.IsSettled);
    }

    public void Dispose() => _serving.Dispose();

    /// <summary>Three models called the given numbers of times, flushed and rolled up.</summary>
    private async Task<(string, string, string)> PredictAndAggregateAsync(int first, int second, int third)
    {
        var names = new List<string>();
        foreach (var calls in new[] { first, second, third })
        {
            var name = await _serving.AddModelAsync(TestModels.Linear());
            for (var i = 0; i < calls; i++)
            {
                using var response = await _serving.PredictAsync(name, """{"input":[[1,2,3,4]]}""");
            }

            names.Add(name);
        }

        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        return (names[0], names[1], names[2]);
    }
}
