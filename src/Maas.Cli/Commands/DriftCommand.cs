using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Maas.Cli.Output;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas drift &lt;name&gt;[/&lt;version&gt;] [--since 1d] [--all]</c>: per input, output and predicted-class distribution
/// feature, the PSI trend over the hours, its last and highest value, the last Jensen–Shannon distance and mean shift,
/// and the hours flagged; flagged features first, then by highest PSI.
/// </summary>
public static class DriftCommand
{
    /// <summary>Features shown without <c>--all</c>.</summary>
    public const int DefaultRows = 20;

    public static Command Create(GlobalOptions global, CliIo io)
    {
        var target = new Argument<string>("model") { Description = "<name> (its default version) or <name>/<version>." };
        var since = new Option<string>("--since") { Description = "How far back: 12h, 1d, 7d.", DefaultValueFactory = _ => "1d" };
        var all = new Option<bool>("--all") { Description = string.Create(CultureInfo.InvariantCulture, $"Show every feature, not only the {DefaultRows} that drifted most.") };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON." };
        var command = new Command("drift", "Show how far a model's inputs and outputs have drifted from its baseline, per hour.") { target, since, all, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var model = ModelTarget.Parse(parsed.GetValue(target)!);
            var from = DateTimeOffset.UtcNow - MetricsCommand.Duration(parsed.GetValue(since)!);
            var query = model.MonitoringQuery("drift", from);
            using var api = global.Connect(parsed, io).ApiClient();
            var report = await api.GetJsonAsync(query, cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(report.ToJsonString(Render.Indented));
                return ExitCodes.Success;
            }

            var title = $"{model.Name}/{report["version"]}";
            if (report["thresholds"] is not { } thresholds)
            {
                io.Output.WriteLine($"{title}: no drift configured (config.json \"drift\").");
                return ExitCodes.Success;
            }

            if (report["baseline"] is not { } baseline)
            {
                io.Output.WriteLine($"{title}: no drift baseline yet.");
                return ExitCodes.Success;
            }

            var rows = Rows(report).OrderByDescending(r => r.FlaggedHours > 0).ThenByDescending(r => r.Psi.Max()).ToList();
            if (rows.Count == 0)
            {
                io.Output.WriteLine($"{title}: no drift summaries since {from:u}.");
                return ExitCodes.Success;
            }

            var shown = parsed.GetValue(all) ? rows : [.. rows.Take(DefaultRows)];
            var table = new Table()
                .Title(Markup.Escape($"{title} against its {baseline["source"]} baseline ({baseline["rows"]} rows); flagged over PSI {thresholds["psi"]} or JSD {thresholds["jsd"]}"))
                .AddColumns("feature", "PSI trend", "last PSI", "max PSI", "last JSD", "mean shift (sd)", "flagged hours");
            foreach (var row in shown)
            {
                table.AddRow(
                    Markup.Escape(row.Label),
                    Format.Sparkline(row.Psi),
                    Format.Number(row.Psi[^1]),
                    Format.Number(row.Psi.Max()),
                    Format.Number(row.LastJsd),
                    row.LastShift is { } shift ? Format.Number(shift) : "-",
                    row.FlaggedHours == 0 ? "0" : $"[red]{row.FlaggedHours}[/]");
            }

            io.Console.Write(table);
            if (shown.Count < rows.Count)
            {
                io.Output.WriteLine($"{rows.Count - shown.Count} more features; --all shows them.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private sealed record Row(string Label, List<double> Psi, double LastJsd, double? LastShift, int FlaggedHours);

    /// <summary>One row per feature with figures, flagged ones first, then by highest PSI.</summary>
    private static IEnumerable<Row> Rows(JsonNode report)
    {
        foreach (var tensor in report["tensors"]!.AsArray().Select(t => t!))
        {
            var hours = tensor["hours"]!.AsArray().Select(h => h!["features"]!.AsArray()).ToList();
            for (var f = 0; f < (int)tensor["features"]!; f++)
            {
                var figures = hours.Select(h => h[f]!).Where(figure => figure["psi"] is not null).ToList();
                if (figures.Count == 0)
                {
                    continue;
                }

                var label = (string?)tensor["granularity"] == "tensor" ? $"{tensor["side"]} {tensor["name"]}" : $"{tensor["side"]} {tensor["name"]}[{f}]";
                yield return new Row(label, [.. figures.Select(x => (double)x["psi"]!)], (double)figures[^1]["jsd"]!, (double?)figures[^1]["meanShift"], figures.Count(x => (bool)x["flagged"]!));
            }
        }
    }
}
