using Maas.Core.Registry;

namespace Maas.Core.Monitoring.Drift;

/// <summary>
/// Builds a <see cref="DriftBaseline"/> from batches of tensor values. Per feature it keeps exact moments (count, mean,
/// variance, extremes) of every value, and up to <see cref="MaxKeptValues"/> values (a seeded reservoir sample) from
/// which the quantile bins and the baseline histogram are made.
/// </summary>
public sealed class BaselineCollector(DriftGranularity granularity, int seed = 0)
{
    /// <summary>Values kept per feature for its quantiles and histogram.</summary>
    public const int MaxKeptValues = 20_000;

    private readonly Random _random = new(seed);
    private readonly Dictionary<(string Side, string Name), Tensor> _tensors = [];

    public long Rows { get; set; }

    /// <summary>Adds one run's values of a tensor of <paramref name="shape"/> (row-major); the first shape seen fixes the layout.</summary>
    public void Add(string side, string name, ReadOnlySpan<long> shape, ReadOnlySpan<double> values)
    {
        if (!_tensors.TryGetValue((side, name), out var tensor))
        {
            var layout = DriftLayout.For(shape, granularity);
            tensor = new Tensor(layout, [.. Enumerable.Range(0, layout.Features).Select(_ => new Feature())]);
            _tensors[(side, name)] = tensor;
        }

        for (var i = 0; i < values.Length; i++)
        {
            var feature = tensor.Features[tensor.Layout.FeatureOf(i)];
            feature.Moments.Add(values[i], []);
            if (double.IsFinite(values[i]))
            {
                Keep(feature, values[i]);
            }
        }
    }

    public DriftBaseline Build() => new(
        Rows,
        [.. _tensors.OrderBy(t => t.Key.Side, StringComparer.Ordinal).ThenBy(t => t.Key.Name, StringComparer.Ordinal).Select(t => new TensorBaseline(
            t.Key.Name,
            t.Key.Side,
            t.Value.Layout.Kind,
            [.. t.Value.Features.Select(Baseline)]))]);

    private static FeatureBaseline Baseline(Feature feature)
    {
        var edges = DriftBins.FromQuantiles(feature.Kept);
        var histogram = new DriftSummary(edges.Length + 1);
        foreach (var value in feature.Kept)
        {
            histogram.Add(value, edges);
        }

        var moments = feature.Moments;
        return new FeatureBaseline(edges, histogram.Histogram, moments.Count, moments.NonFinite, moments.Mean, moments.Variance, moments.Count == 0 ? 0 : moments.Min, moments.Count == 0 ? 0 : moments.Max);
    }

    /// <summary>Reservoir sampling (Algorithm R): every finite value has the same chance of being kept.</summary>
    private void Keep(Feature feature, double value)
    {
        feature.Seen++;
        if (feature.Kept.Count < MaxKeptValues)
        {
            feature.Kept.Add(value);
        }
        else if (_random.NextInt64(feature.Seen) is var slot && slot < MaxKeptValues)
        {
            feature.Kept[(int)slot] = value;
        }
    }

    private sealed record Tensor(DriftLayout Layout, Feature[] Features);

    private sealed class Feature
    {
        public DriftSummary Moments { get; } = new(1);

        public List<double> Kept { get; } = [];

        public long Seen { get; set; }
    }
}
