using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Maas.Cli.Output;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary><c>maas metrics &lt;name&gt; [--since 1h] [--grain minute|hour]</c>: the monitoring rollups, one row and a sparkline per figure.</summary>
public static class MetricsCommand
{
    /// <summary>Each figure the table shows: its label and where it is in a rollup point.</summary>
    private static readonly (string Label, Func<JsonNode, double> Read)[] Figures =
    [
        ("requests", p => (double)p["requests"]!),
        ("error rate", p => (double)p["errorRate"]!),
        ("p50 ms", p => (double)p["latencyMs"]!["p50"]!),
        ("p95 ms", p => (double)p["latencyMs"]!["p95"]!),
        ("p99 ms", p => (double)p["latencyMs"]!["p99"]!),
        ("batch size", p => (double)p["meanBatchSize"]!),
        ("cold loads", p => (double)p["coldLoads"]!),
    ];

    /// <summary>What a generative model adds (shown when any point has tokens): the tokens it is metered in, and token times.</summary>
    private static readonly (string Label, Func<JsonNode, double> Read)[] TokenFigures =
    [
        ("prompt tokens", p => (double?)p["promptTokens"] ?? 0),
        ("completion tokens", p => (double?)p["completionTokens"] ?? 0),
        ("first token p50 ms", p => (double?)p["timeToFirstTokenMs"]?["p50"] ?? 0),
        ("per token p50 ms", p => (double?)p["timePerOutputTokenMs"]?["p50"] ?? 0),
    ];

    public static Command Create(GlobalOptions global, CliIo io)
    {
        var target = new Argument<string>("model") { Description = "<name> or <name>/<version>." };
        var since = new Option<string>("--since") { Description = "How far back: 30m, 1h, 2d.", DefaultValueFactory = _ => "1h" };
        var grain = new Option<string>("--grain") { Description = "minute or hour.", DefaultValueFactory = _ => "minute" };
        grain.AcceptOnlyFromAmong("minute", "hour");
        var json = new Option<bool>("--json") { Description = "Print the service's JSON." };
        var command = new Command("metrics", "Show a model's monitoring rollups.") { target, since, grain, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var model = ModelTarget.Parse(parsed.GetValue(target)!);
            var from = DateTimeOffset.UtcNow - Duration(parsed.GetValue(since)!);
            var query = model.MonitoringQuery("metrics", from, $"grain={parsed.GetValue(grain)}");
            using var api = global.Connect(parsed, io).ApiClient();
            var report = await api.GetJsonAsync(query, cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(report.ToJsonString(Render.Indented));
                return ExitCodes.Success;
            }

            var points = report["points"]!.AsArray().Select(p => p!).ToList();
            if (points.Count == 0)
            {
                io.Output.WriteLine($"{model}: no traffic recorded since {from:u}.");
                return ExitCodes.Success;
            }

            var table = new Table().Title(Markup.Escape($"{model}, {points.Count} {parsed.GetValue(grain)}s from {points[0]["time"]}")).AddColumns("figure", "trend", "last", "min", "max");
            var generative = points.Any(p => (double?)p["promptTokens"] > 0);
            foreach (var (label, read) in generative ? [.. Figures, .. TokenFigures] : Figures)
            {
                var values = points.Select(read).ToList();
                table.AddRow(label, Format.Sparkline(values), Format.Number(values[^1]), Format.Number(values.Min()), Format.Number(values.Max()));
            }

            io.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary><c>30m</c>, <c>1h</c>, <c>2d</c> (or a TimeSpan such as <c>01:30:00</c>).</summary>
    public static TimeSpan Duration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (text[^1])
            {
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'd': return TimeSpan.FromDays(amount);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new CliException($"--since '{text}' is not a duration; expected e.g. 30m, 1h or 2d.", ExitCodes.Usage);
    }
}
