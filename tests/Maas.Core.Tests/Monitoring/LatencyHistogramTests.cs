using Maas.Core.Monitoring;

namespace Maas.Core.Tests.Monitoring;

public sealed class LatencyHistogramTests
{
    private static readonly double[] Quantiles = [0.5, 0.9, 0.95, 0.99, 0.999];

    public static TheoryData<string> Distributions => ["log-uniform 10us..10min", "lognormal around 20ms", "bimodal 1ms and 2s"];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Quantile_GeneratedDistribution_IsWithinTwoPercentOfExact(string distribution)
    {
        var values = Generate(distribution, 50_000, seed: 17);
        var histogram = new LatencyHistogram();
        foreach (var value in values)
        {
            histogram.Record(value);
        }

        var sorted = values.Order().ToArray();
        foreach (var quantile in Quantiles)
        {
            var exact = sorted[Math.Max(1, (int)((quantile * sorted.Length) + 0.5)) - 1]; // nearest rank, rounded
            var estimate = histogram.Quantile(quantile);
            Assert.InRange(Math.Abs((estimate - exact) / exact), 0, 0.02);
        }

        Assert.InRange(Math.Abs((histogram.Max - sorted[^1]) / sorted[^1]), 0, 0.02);
    }

    [Fact]
    public void Add_TwoInstancesHistograms_EqualsOneHistogramOfAllValues()
    {
        var first = Generate("lognormal around 20ms", 5_000, seed: 1);
        var second = Generate("bimodal 1ms and 2s", 7_000, seed: 2);
        var (a, b, all) = (new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram());
        foreach (var value in first)
        {
            a.Record(value);
            all.Record(value);
        }

        foreach (var value in second)
        {
            b.Record(value);
            all.Record(value);
        }

        a.Add(LatencyHistogram.FromBytes(b.ToBytes()));

        Assert.Equal(all.Count, a.Count);
        Assert.All(Quantiles, q => Assert.Equal(all.Quantile(q), a.Quantile(q)));
    }

    [Fact]
    public void ToBytes_ManyValues_StaysCompact()
    {
        var histogram = new LatencyHistogram();
        foreach (var value in Generate("log-uniform 10us..10min", 100_000, seed: 3))
        {
            histogram.Record(value);
        }

        Assert.InRange(histogram.ToBytes().Length, 1, 16 * 1024);
    }

    private static List<TimeSpan> Generate(string distribution, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => distribution switch
        {
            "log-uniform 10us..10min" => TimeSpan.FromMicroseconds(Math.Exp(Math.Log(10) + (random.NextDouble() * (Math.Log(600_000_000) - Math.Log(10))))),
            "lognormal around 20ms" => TimeSpan.FromMilliseconds(20 * Math.Exp(0.5 * Normal(random))),
            _ => random.NextDouble() < 0.8 ? TimeSpan.FromMilliseconds(1 + random.NextDouble()) : TimeSpan.FromSeconds(2 + random.NextDouble()),
        })];
    }

    private static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
