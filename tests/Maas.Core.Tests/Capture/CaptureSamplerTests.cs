using Maas.Core.Capture;
using Maas.Core.Models;

namespace Maas.Core.Tests.Capture;

/// <summary>Sampling: deterministic by request id, and at random within statistical bounds.</summary>
public sealed class CaptureSamplerTests
{
    /// <summary>Calls per rate check, and the allowed distance from the expected count: 5 standard deviations.</summary>
    private const int Calls = 10_000;

    [Fact]
    public void FractionOf_IsTheFirstEightBytesOfSha256OverTwoToThe64()
    {
        // SHA-256("abc") starts ba7816bf8f01cfea; 0xba7816bf8f01cfea / 2^64 (computed in Python).
        Assert.Equal(0.7283949105904022, CaptureSampler.FractionOf("abc"), 15);
    }

    [Fact]
    public void Samples_ByRequestId_CapturesTheSameIdsEveryTime_AndNestsAcrossRates()
    {
        var ids = Enumerable.Range(0, 1_000).Select(i => $"request-{i}").ToList();
        var low = new CaptureConfig { SampleRate = 0.3, SampleBy = CaptureSampling.RequestId };
        var high = low with { SampleRate = 0.6 };

        var atLow = ids.Where(id => CaptureSampler.Samples(low, id)).ToHashSet();
        var atLowAgain = ids.Where(id => CaptureSampler.Samples(low, id)).ToHashSet();
        var atHigh = ids.Where(id => CaptureSampler.Samples(high, id)).ToHashSet();

        Assert.Equal(atLow, atLowAgain);
        Assert.Subset(atHigh, atLow);
        Assert.All(atLow, id => Assert.True(CaptureSampler.FractionOf(id) < 0.3));
    }

    [Theory]
    [InlineData(CaptureSampling.Random, 0.25)]
    [InlineData(CaptureSampling.RequestId, 0.25)]
    [InlineData(CaptureSampling.Random, 0.9)]
    public void Samples_OverTenThousandCalls_HoldsTheRateWithinFiveStandardDeviations(CaptureSampling by, double rate)
    {
        var config = new CaptureConfig { SampleRate = rate, SampleBy = by };

        var captured = Enumerable.Range(0, Calls).Count(i => CaptureSampler.Samples(config, $"id-{i}"));

        var deviation = 5 * Math.Sqrt(Calls * rate * (1 - rate));
        Assert.InRange(captured, (Calls * rate) - deviation, (Calls * rate) + deviation);
    }

    [Fact]
    public void Samples_RateZeroAndOne_NeverAndAlways()
    {
        Assert.False(CaptureSampler.Samples(new CaptureConfig { SampleRate = 0 }, "x"));
        Assert.True(CaptureSampler.Samples(new CaptureConfig { SampleRate = 1 }, null));
    }
}
