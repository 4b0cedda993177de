using Maas.Core.Generation;

namespace Maas.Core.Tests.Generation;

public sealed class TokenSamplerTests
{
    [Fact]
    public void Next_Greedy_PicksTheHighestLogitAndTheLowestIdOnTies()
    {
        var sampler = new TokenSampler(SamplingParameters.Greedy);

        Assert.Equal(2, sampler.Next([0.1f, 0.5f, 0.9f, 0.2f]));
        Assert.Equal(1, sampler.Next([0.1f, 0.9f, 0.9f]));
    }

    [Fact]
    public void Next_TopKOne_IsGreedyWhateverTheTemperature()
    {
        var sampler = new TokenSampler(new SamplingParameters(2, 1, 1, Seed: 7));

        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal(3, sampler.Next([0f, 1f, 2f, 3f])));
    }

    [Fact]
    public void Next_SameSeed_SameDraws()
    {
        float[] logits = [1f, 1.2f, 0.8f, 1.1f, 0.9f];
        var first = new TokenSampler(new SamplingParameters(1, 1, 0, Seed: 42));
        var second = new TokenSampler(new SamplingParameters(1, 1, 0, Seed: 42));

        Assert.Equal(Enumerable.Range(0, 20).Select(_ => first.Next(logits)), Enumerable.Range(0, 20).Select(_ => second.Next(logits)));
    }

    [Fact]
    public void Next_TopP_NeverDrawsOutsideTheNucleus()
    {
        // Probabilities at temperature 1: ln 6, ln 3, ln 1 → 0.6, 0.3, 0.1. Top-p 0.85 keeps 0.6 + 0.3 only.
        float[] logits = [MathF.Log(6), MathF.Log(3), MathF.Log(1)];
        var sampler = new TokenSampler(new SamplingParameters(1, 0.85, 0, Seed: 1));

        var draws = Enumerable.Range(0, 2_000).Select(_ => sampler.Next(logits)).ToList();

        Assert.DoesNotContain(2, draws);
        Assert.Contains(1, draws);
    }

    [Fact]
    public void Next_Temperature_FollowsTheSoftmaxShares()
    {
        // Logits ln 3 and ln 1 at temperature 1 give 3/4 and 1/4; 8,000 draws: the share is 0.75 ± 0.02 (over 4 standard deviations).
        float[] logits = [MathF.Log(3), 0f];
        var sampler = new TokenSampler(new SamplingParameters(1, 1, 0, Seed: 3));

        var share = Enumerable.Range(0, 8_000).Count(_ => sampler.Next(logits) == 0) / 8_000.0;

        Assert.InRange(share, 0.73, 0.77);
    }
}
