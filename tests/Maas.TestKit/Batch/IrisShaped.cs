namespace Maas.TestKit.Batch;

/// <summary>Rows shaped like iris's four measurements in cm (sepal length and width, petal length and width), from a fixed seed: what a batch of a tabular model scores.</summary>
public static class IrisShaped
{
    public static float[][] Rows(int count, int seed = 20261207)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => new[]
        {
            MathF.Round(4.3f + (3.6f * random.NextSingle()), 1),
            MathF.Round(2.0f + (2.4f * random.NextSingle()), 1),
            MathF.Round(1.0f + (5.9f * random.NextSingle()), 1),
            MathF.Round(0.1f + (2.4f * random.NextSingle()), 1),
        })];
    }
}
