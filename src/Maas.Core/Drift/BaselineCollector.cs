using Maas.Core.Models;

namespace Maas.Core.Drift;

/// <summary>
/// Builds a <see cref="DriftBaseline"/> from batches of tensor values. Per feature it keeps exact moments (count, mean,
/// variance, extremes) of every value, and a uniform sample of up to <see cref="MaxKeptValues"/> values from which the
/// quantile bins and the baseline histogram are made. The sample is a bottom-k sketch: each value draws a random
/// priority and the k lowest are kept, so collectors of the same tensors (instances watching live traffic) merge into
/// exactly the sample one collector of all the values would have kept.
/// </summary>
/// <param name="kept">Values kept per feature (<see cref="MaxKeptValues"/> for an evaluation set; fewer for live traffic, whose collectors every instance holds in memory).</param>
public sealed class BaselineCollector(DriftGranularity granularity, int seed = 0, int kept = BaselineCollector.MaxKeptValues)
{
    /// <summary>Values kept per feature for its quantiles and histogram by default.</summary>
    public const int MaxKeptValues = 20_000;

    private readonly Random _random = new(seed);
    private readonly Dictionary<(string Side, string Name), Tensor> _tensors = [];

    public long Rows { get; set; }

    /// <summary>Adds one run's values of a tensor of <paramref name="shape"/> (row-major); the first shape seen fixes the layout.</summary>
    public void Add(string side, string name, ReadOnlySpan<long> shape, ReadOnlySpan<double> values)
    {
        var tensor = TensorOf(side, name, DriftLayout.For(shape, granularity));
        var layout = tensor.Layout;
        if (layout.Kind != DriftGranularity.Tensor && DriftLayout.For(shape, layout.Kind) != layout)
        {
            // A later shape that groups differently (another feature count) cannot be counted in the same features.
            return;
        }

        for (var i = 0; i < values.Length; i++)
        {
            tensor.Features[layout.FeatureOf(i)].Add(values[i], _random.NextDouble());
        }
    }

    /// <summary>Adds the classes <paramref name="classes"/> predicted for some rows of a classification output.</summary>
    public void AddPredictions(PredictionClasses prediction, ReadOnlySpan<double> classes)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var tensor = TensorOf(DriftSide.Prediction, prediction.Output, DriftLayout.WholeTensor, prediction);
        foreach (var value in classes)
        {
            tensor.Features[0].Add(value, _random.NextDouble());
        }
    }

    /// <summary>Adds what <paramref name="other"/> collected, as if its values had been added here.</summary>
    public void Merge(BaselineCollector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Rows += other.Rows;
        foreach (var ((side, name), theirs) in other._tensors)
        {
            var ours = TensorOf(side, name, theirs.Layout, theirs.Prediction);
            if (ours.Layout != theirs.Layout)
            {
                continue;
            }

            for (var f = 0; f < ours.Features.Length; f++)
            {
                ours.Features[f].Merge(theirs.Features[f]);
            }
        }
    }

    public DriftBaseline Build() => new(
        Rows,
        [.. _tensors.OrderBy(t => t.Key.Side, StringComparer.Ordinal).ThenBy(t => t.Key.Name, StringComparer.Ordinal).Select(t => new TensorBaseline(
            t.Key.Name,
            t.Key.Side,
            t.Value.Layout.Kind,
            [.. t.Value.Features.Select(feature => feature.Baseline(t.Value.Prediction))]))]);

    private Tensor TensorOf(string side, string name, DriftLayout chosen, PredictionClasses? prediction = null)
    {
        if (!_tensors.TryGetValue((side, name), out var tensor))
        {
            tensor = new Tensor(chosen, [.. Enumerable.Range(0, chosen.Features).Select(_ => new Feature(kept))], prediction);
            _tensors[(side, name)] = tensor;
        }

        return tensor;
    }

    private sealed record Tensor(DriftLayout Layout, Feature[] Features, PredictionClasses? Prediction);

    /// <summary>Everything collected, as bytes <see cref="FromBytes"/> reads on another instance or later.</summary>
    public byte[] ToBytes()
    {
        using var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Save(writer);
        }

        return content.ToArray();
    }

    /// <summary>A collector holding what <see cref="ToBytes"/> wrote, keeping up to <paramref name="kept"/> values per feature from here on.</summary>
    public static BaselineCollector FromBytes(byte[] bytes, int kept)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false));
        return Load(reader, kept);
    }

    private void Save(BinaryWriter writer)
    {
        writer.Write(Rows);
        writer.Write(_tensors.Count);
        foreach (var ((side, name), tensor) in _tensors)
        {
            writer.Write(side);
            writer.Write(name);
            writer.Write((int)tensor.Layout.Kind);
            writer.Write(tensor.Layout.Features);
            writer.Write(tensor.Layout.Inner);
            writer.Write(tensor.Prediction is not null);
            if (tensor.Prediction is { } prediction)
            {
                writer.Write(prediction.Output);
                writer.Write((int)prediction.Scores);
                writer.Write(prediction.Classes ?? -1);
            }

            foreach (var feature in tensor.Features)
            {
                feature.Save(writer);
            }
        }
    }

    private static BaselineCollector Load(BinaryReader reader, int kept)
    {
        var collector = new BaselineCollector(DriftGranularity.Auto, kept: kept) { Rows = reader.ReadInt64() };
        var tensors = reader.ReadInt32();
        for (var t = 0; t < tensors; t++)
        {
            var (side, name) = (reader.ReadString(), reader.ReadString());
            var layout = new DriftLayout((DriftGranularity)reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt64());
            var prediction = reader.ReadBoolean() ? new PredictionClasses(reader.ReadString(), (ScoreKind)reader.ReadInt32(), reader.ReadInt32() is var classes and >= 0 ? classes : null) : null;
            var tensor = collector.TensorOf(side, name, layout, prediction);
            foreach (var feature in tensor.Features)
            {
                feature.Load(reader);
            }
        }

        return collector;
    }

    private sealed class Feature(int kept)
    {
        /// <summary>The kept values by priority, highest first out, so the highest is the one to replace.</summary>
        private readonly PriorityQueue<double, double> _kept = new(Comparer<double>.Create((a, b) => b.CompareTo(a)));

        public DriftSummary Moments { get; private set; } = new(1);

        public void Add(double value, double priority)
        {
            Moments.Add(value, []);
            if (double.IsFinite(value))
            {
                Keep(value, priority);
            }
        }

        public void Merge(Feature other)
        {
            Moments.Merge(other.Moments);
            foreach (var (value, priority) in other._kept.UnorderedItems)
            {
                Keep(value, priority);
            }
        }

        public FeatureBaseline Baseline(PredictionClasses? prediction)
        {
            var kept = _kept.UnorderedItems.Select(item => item.Element).ToList();
            var edges = prediction is null ? DriftBins.FromQuantiles(kept) : prediction.Edges(kept.Count == 0 ? 0 : kept.Max());
            var histogram = new DriftSummary(edges.Length + 1);
            foreach (var value in kept)
            {
                histogram.Add(value, edges);
            }

            var empty = Moments.Count == 0;
            return new FeatureBaseline(edges, histogram.Histogram, Moments.Count, Moments.NonFinite, Moments.Mean, Moments.Variance, empty ? 0 : Moments.Min, empty ? 0 : Moments.Max);
        }

        public void Save(BinaryWriter writer)
        {
            var moments = DriftSummaryCodec.Encode([Moments]);
            writer.Write(moments.Length);
            writer.Write(moments);
            writer.Write(_kept.Count);
            foreach (var (value, priority) in _kept.UnorderedItems)
            {
                writer.Write(value);
                writer.Write(priority);
            }
        }

        public void Load(BinaryReader reader)
        {
            Moments = DriftSummaryCodec.Decode(reader.ReadBytes(reader.ReadInt32()))[0];
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                Keep(reader.ReadDouble(), reader.ReadDouble());
            }
        }

        private void Keep(double value, double priority)
        {
            if (_kept.Count < kept)
            {
                _kept.Enqueue(value, priority);
            }
            else if (_kept.TryPeek(out _, out var highest) && priority < highest)
            {
                _kept.DequeueEnqueue(value, priority);
            }
        }
    }
}
