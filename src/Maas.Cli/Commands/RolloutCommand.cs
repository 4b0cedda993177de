using System.CommandLine;
using System.Text.Json.Nodes;
using Maas.Cli.Output;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas rollout &lt;name&gt; [--json]</c>: a model's canary / shadow rollout: its state and split, each version's figures
/// since it began beside the gates (a figure past its gate in red), shadow agreement, and the decisions made.
/// </summary>
public static class RolloutCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var name = new Argument<string>("model") { Description = "The model's name." };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON." };
        var command = new Command("rollout", "Show a model's canary / shadow rollout: the split, the versions side by side against the gates, and the decisions.") { name, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var model = parsed.GetValue(name)!;
            using var api = global.Connect(parsed, io).ApiClient();
            var report = await api.GetJsonAsync($"models/{Uri.EscapeDataString(model)}/rollout", cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(report.ToJsonString(Render.Indented));
                return ExitCodes.Success;
            }

            io.Output.WriteLine($"{model}: rollout {report["state"]}; default version {(report["defaultVersion"] is { } current ? current.ToString() : "none")}");
            if (report["split"]!["canary"] is { } canary)
            {
                io.Output.WriteLine($"  canary version {canary["version"]}: {canary["percent"]}% of the calls made without a version, sticky by {canary["sticky"]}{((bool)canary["serving"]! ? string.Empty : " (not serving now)")}");
            }

            if (report["split"]!["shadow"] is { } shadow)
            {
                io.Output.WriteLine($"  shadow version {shadow["version"]}: copies of {shadow["percent"]}% of the default's calls{((bool)shadow["running"]! ? string.Empty : " (not running now)")}");
            }

            var gates = report["gates"]!;
            var table = new Table()
                .Title(Markup.Escape($"since {report["from"]}"))
                .AddColumns("version", "role", "calls", "failed", $"error rate (max {Limit(gates["maxErrorRate"])})", $"p95 ms (max {Limit(gates["maxP95Ms"])})", "shadow copies", $"agreement (min {Limit(gates["minAgreement"])})", "copies dropped");
            foreach (var version in report["versions"]!.AsArray().Select(v => v!))
            {
                var past = version["pastGates"]!.AsArray().Select(gate => (string?)gate).ToHashSet();
                var agreement = (double?)version["agreement"];
                table.AddRow(
                    version["version"]!.ToString(),
                    Markup.Escape((string?)version["role"] ?? string.Empty),
                    version["requests"]!.ToString(),
                    version["failed"]!.ToString(),
                    Past(Format.Number((double)version["errorRate"]!), past.Contains("errorRate")),
                    Past(Format.Number((double)version["p95Ms"]!), past.Contains("p95Ms")),
                    version["shadowCalls"]!.ToString(),
                    agreement is { } share ? Past(Format.Number(share), past.Contains("agreement")) : "-",
                    version["shadowDropped"]!.ToString());
            }

            io.Console.Write(table);
            foreach (var decision in report["decisions"]!.AsArray().Select(d => d!))
            {
                io.Output.WriteLine($"  {(string?)decision["at"]}  {(string?)decision["reason"]}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Limit(JsonNode? limit) => limit is null ? "-" : Format.Number((double)limit);

    private static string Past(string figure, bool breached) => breached ? $"[red]{figure}[/]" : figure;
}
