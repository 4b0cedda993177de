using System.Globalization;
using System.Text;

namespace Maas.Benchmarks;

/// <summary>Collects results as markdown for docs/benchmarks.md.</summary>
internal sealed class Report
{
    private readonly StringBuilder _text = new();

    public void Line(string text = "") => _text.AppendLine(text);

    public void Table(string[] header, IEnumerable<string[]> rows)
    {
        _text.AppendLine("| " + string.Join(" | ", header) + " |");
        _text.AppendLine("|" + string.Concat(header.Select(_ => " --- |")));
        foreach (var row in rows)
        {
            _text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        _text.AppendLine();
    }

    public static string Ms(double value) => value.ToString(value < 1 ? "0.000" : value < 100 ? "0.00" : "0", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string Number(double value, string format = "0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Verdict(bool met) => met ? "met" : "**missed**";

    public override string ToString() => _text.ToString();
}
