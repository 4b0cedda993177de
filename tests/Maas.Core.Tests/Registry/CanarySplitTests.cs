using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Tests.Registry;

public sealed class CanarySplitTests
{
    private static readonly CanaryConfig TenPercent = new(3, 10, CanarySticky.Request);

    [Fact]
    public void ToCanary_TenThousandRequestIdsAtTenPercent_LandWithinBinomialBounds()
    {
        var toCanary = Enumerable.Range(0, 10_000).Count(i => CanarySplit.ToCanary("fraud", TenPercent, $"req-{i}"));

        // Binomial(10,000, 0.1): mean 1,000, standard deviation 30; five deviations either side.
        Assert.InRange(toCanary, 850, 1_150);
    }

    [Fact]
    public void ToCanary_SameKeysOnTwoInstances_SplitIdentically()
    {
        // Two "instances": the split depends on nothing but its inputs, computed here twice in separate passes.
        var first = Enumerable.Range(0, 10_000).Select(i => CanarySplit.ToCanary("fraud", TenPercent, $"req-{i}")).ToArray();
        var second = Enumerable.Range(0, 10_000).Reverse().Select(i => CanarySplit.ToCanary("fraud", TenPercent, $"req-{i}")).Reverse().ToArray();

        Assert.Equal(first, second);
    }

    [Fact]
    public void ToCanary_StickyCallers_NeverFlipAndTakeTheirShare()
    {
        var canary = new CanaryConfig(3, 25, CanarySticky.Caller);
        var callers = Enumerable.Range(0, 2_000).Select(i => $"app-{i}").ToList();

        var versions = callers.ToDictionary(c => c, c => Enumerable.Range(0, 10).Select(_ => CanarySplit.ToCanary("fraud", canary, c)).Distinct().ToList());

        Assert.All(versions.Values, seen => Assert.Single(seen));
        // Binomial(2,000, 0.25): mean 500, standard deviation about 19.4.
        Assert.InRange(versions.Values.Count(seen => seen[0]), 403, 597);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(100, 1_000)]
    public void ToCanary_ZeroAndHundredPercent_TakeNoneAndAll(double percent, int expected)
        => Assert.Equal(expected, Enumerable.Range(0, 1_000).Count(i => CanarySplit.ToCanary("fraud", new CanaryConfig(3, percent, CanarySticky.Request), $"r{i}")));

    [Fact]
    public void BucketOf_AnotherCanaryVersion_DrawsAnotherShare()
    {
        var forThree = Enumerable.Range(0, 1_000).Select(i => CanarySplit.BucketOf("fraud", 3, $"app-{i}")).ToArray();
        var forFour = Enumerable.Range(0, 1_000).Select(i => CanarySplit.BucketOf("fraud", 4, $"app-{i}")).ToArray();

        Assert.All(forThree, bucket => Assert.InRange(bucket, 0, CanarySplit.Buckets - 1));
        Assert.NotEqual(forThree, forFour);
    }
}

public sealed class RolloutKeysTests
{
    [Fact]
    public void For_CallerStickyOrRequestWithAnId_IsThatKey()
    {
        var keys = new RolloutKeys("oid-1", "req-9");

        Assert.Equal(("oid-1", "req-9"), (keys.For(CanarySticky.Caller), keys.For(CanarySticky.Request)));
    }

    [Fact]
    public void For_RequestStickyWithoutAnId_IsNewEachCall()
    {
        var keys = new RolloutKeys("oid-1", null);

        Assert.NotEqual(keys.For(CanarySticky.Request), keys.For(CanarySticky.Request));
    }
}
