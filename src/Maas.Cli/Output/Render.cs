using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Maas.Cli.Output;

/// <summary>The tables the read commands print (the same JSON, as <c>--json</c> prints it, is what they are made from).</summary>
public static class Render
{
    public static JsonSerializerOptions Indented { get; } = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>What push reports: status and reason, the evaluation summary with its gates, and the promotion decision.</summary>
    public static void VersionOutcome(IAnsiConsole console, string model, JsonNode view)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(view);
        var status = (string?)view["status"];
        var colour = status == "Ready" ? "green" : "red";
        console.MarkupLine($"[{colour}]{Markup.Escape($"{model}/{view["version"]}: {status}")}[/]{Markup.Escape(Reason(view))}");
        Evaluation(console, view["evaluation"]);
        if (view["promotion"] is { } promotion)
        {
            var state = (string?)promotion["state"];
            var stateColour = state switch { "default" => "green", "rejected" => "red", _ => "yellow" };
            console.MarkupLine($"promotion: [{stateColour}]{Markup.Escape(state ?? string.Empty)}[/] {Markup.Escape((string?)promotion["reason"] ?? string.Empty)}");
        }
    }

    /// <summary>The evaluation summary: each metric with its gate, the evaluation set and its size.</summary>
    public static void Evaluation(IAnsiConsole console, JsonNode? evaluation)
    {
        ArgumentNullException.ThrowIfNull(console);
        if (evaluation is null)
        {
            return;
        }

        if ((string?)evaluation["problem"] is { } problem)
        {
            console.MarkupLine($"evaluation: [red]{Markup.Escape(problem)}[/]");
            return;
        }

        var gates = evaluation["gates"]!.AsArray().Where(g => g is not null).ToDictionary(g => (string)g!["metric"]!, g => g!);
        var table = new Table().AddColumns("metric", "value", "gate", "");
        foreach (var (metric, value) in evaluation["metrics"]!.AsObject())
        {
            var gate = gates.GetValueOrDefault(metric);
            var bound = gate is null ? string.Empty : string.Join(", ", new[] { ("min", gate["min"]), ("max", gate["max"]) }.Where(b => b.Item2 is not null).Select(b => $"{b.Item1} {Format.Number((double)b.Item2!)}"));
            var verdict = gate is null ? string.Empty : (bool)gate["passed"]! ? "[green]pass[/]" : "[red]fail[/]";
            table.AddRow(Markup.Escape(metric), Format.Number((double)value!), Markup.Escape(bound), verdict);
        }

        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluated on {(long)evaluation["rows"]!} examples (evaluation.jsonl sha256 {((string)evaluation["evaluationSetSha256"]!)[..12]}…) in {(double)evaluation["durationMs"]!:0} ms"));
    }

    /// <summary><c>maas ls</c>: one row per model.</summary>
    public static void Models(IAnsiConsole console, JsonNode models)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(models);
        var table = new Table().AddColumns("model", "default", "Ready", "Failed", "Removed");
        foreach (var model in models.AsArray())
        {
            var counts = model!["counts"]!;
            table.AddRow(Markup.Escape((string)model["name"]!), model["defaultVersion"]?.ToString() ?? "-", $"{counts["Ready"]}", $"{counts["Failed"]}", $"{counts["Removed"]}");
        }

        console.Write(table);
    }

    /// <summary><c>maas show &lt;name&gt;</c>: one row per version.</summary>
    public static void Model(IAnsiConsole console, JsonNode model)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(model);
        console.MarkupLine($"[bold]{Markup.Escape((string)model["name"]!)}[/]: default version {model["defaultVersion"]?.ToString() ?? "none"}");
        var table = new Table().AddColumns("version", "status", "promotion", "evaluation", "loaded on", "sha256");
        foreach (var version in model["versions"]!.AsArray())
        {
            var headline = version!["evaluation"] is { } evaluation
                ? (string?)evaluation["problem"] ?? string.Join(", ", evaluation["metrics"]!.AsObject().Take(2).Select(m => $"{m.Key} {Format.Number((double)m.Value!)}"))
                : string.Empty;
            table.AddRow(
                $"{version["version"]}",
                Markup.Escape($"{version["status"]}{Reason(version)}"),
                Markup.Escape((string?)version["promotion"]?["state"] ?? string.Empty),
                Markup.Escape(headline),
                Markup.Escape((string?)version["loadedOn"] ?? "-"),
                ((string?)version["sha256"] is { Length: >= 12 } sha ? sha[..12] : string.Empty));
        }

        console.Write(table);
    }

    /// <summary><c>maas show &lt;name&gt;/&lt;version&gt;</c>: the version's signature, evaluation and promotion.</summary>
    public static void Version(IAnsiConsole console, string model, JsonNode version)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(version);
        VersionOutcome(console, model, version);
        var signature = new Table().AddColumns("", "name", "type", "shape");
        foreach (var (side, tensors) in new[] { ("input", version["inputs"]), ("output", version["outputs"]) })
        {
            foreach (var tensor in tensors!.AsArray())
            {
                var shape = "[" + string.Join(",", tensor!["shape"]!.AsArray().Select(d => (long)d!)) + "]";
                signature.AddRow(side, Markup.Escape((string)tensor["name"]!), Markup.Escape((string?)tensor["elementType"] ?? (string)tensor["kind"]!), Markup.Escape(shape));
            }
        }

        console.Write(signature);
        console.WriteLine($"loaded on: {(string?)version["loadedOn"] ?? "not loaded on the instance that answered"}; provider asked: {version["executionProvider"]}");
    }

    private static string Reason(JsonNode view) => (string?)view["reason"] is { Length: > 0 } reason ? $": {reason}" : string.Empty;
}
