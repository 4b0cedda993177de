using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Drift;

/// <summary>
/// The fixed bins a feature's values are counted in: interior edges at the baseline's quantiles, so each bin holds about
/// the same share of the baseline, and histograms of any period, instance or minute add up bin by bin. Bin i holds
/// values in (edge[i-1], edge[i]]; the first bin is open below, the last open above.
/// </summary>
public static class DriftBins
{
    /// <summary>The bins a baseline is cut into by default (deciles).</summary>
    public const int DefaultBins = 10;

    /// <summary>
    /// Interior edges at the quantiles k/<paramref name="bins"/> (k = 1 … bins − 1) of the finite values of
    /// <paramref name="baseline"/>, by linear interpolation between order statistics (NumPy's default); equal edges
    /// merge, so a feature with few distinct values gets fewer bins. No finite values: no edges (one bin).
    /// </summary>
    public static double[] FromQuantiles(IEnumerable<double> baseline, int bins = DefaultBins)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var sorted = baseline.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return [];
        }

        var edges = new List<double>(bins - 1);
        for (var k = 1; k < bins; k++)
        {
            var position = (sorted.Length - 1) * (double)k / bins;
            var below = (int)Math.Floor(position);
            var above = Math.Min(below + 1, sorted.Length - 1);
            var edge = sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return [.. edges];
    }

    /// <summary>
    /// <paramref name="value"/> as a tensor of <paramref name="type"/> holds it: rounded to float or half precision, or
    /// truncated to a whole number, so that a baseline read from decimal text bins exactly as the same values arriving
    /// in a request's tensor.
    /// </summary>
    public static double AsElement(TensorElementType type, double value) => type switch
    {
        TensorElementType.Float => (float)value,
        TensorElementType.Float16 => (double)(Half)value,
        TensorElementType.Double => value,
        TensorElementType.Bool => value != 0 ? 1 : 0,
        _ when double.IsFinite(value) => Math.Truncate(value),
        _ => value,
    };

    /// <summary>The bin of a finite <paramref name="value"/>: how many edges lie below it.</summary>
    public static int BinOf(ReadOnlySpan<double> edges, double value)
    {
        var index = edges.BinarySearch(value);
        return index >= 0 ? index : ~index;
    }
}
