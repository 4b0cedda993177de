using Maas.Core.Health;

namespace Maas.Core.Tests.Health;

public sealed class ReadinessTests
{
    private static readonly Degradation Storage = new(DependencyHealth.Storage, DateTimeOffset.UnixEpoch, "registry lookup");

    [Theory]
    [InlineData(false, 0, false, true)]
    [InlineData(true, 0, false, false)]
    [InlineData(true, 2, false, true)]
    [InlineData(false, 0, true, false)]
    [InlineData(true, 2, true, false)]
    public void Of_DegradedCachedAndPrewarming_IsReadyOnlyWhenItCanServe(bool storageDegraded, int cachedModels, bool prewarming, bool expected)
    {
        var readiness = Readiness.Of(storageDegraded ? [Storage] : [], cachedModels, prewarming);

        Assert.Equal(expected, readiness.Ready);
        Assert.Equal(storageDegraded ? 1 : 0, readiness.Degraded.Count);
    }
}
