using System.Globalization;

namespace Maas.Cli.Output;

/// <summary>Numbers as the tables show them.</summary>
public static class Format
{
    private static readonly char[] Bars = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    /// <summary>A number with up to 4 significant digits.</summary>
    public static string Number(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>
    /// One block per value, its height by where the value lies between the series' minimum and maximum (all the lowest
    /// block when they are equal): a trend at a glance, the table beside it gives the numbers.
    /// </summary>
    public static string Sparkline(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return string.Empty;
        }

        var min = values.Min();
        var range = values.Max() - min;
        return new string([.. values.Select(v => range == 0 ? Bars[0] : Bars[(int)Math.Round((v - min) / range * (Bars.Length - 1))])]);
    }
}
