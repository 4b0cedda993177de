using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maas.Cli.Connection;
using Maas.Cli.Input;
using Maas.Cli.Output;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas predict &lt;name&gt;[/&lt;version&gt;] --input &lt;file.json | file.npy | -&gt;</c>: calls the simple API (or, with
/// <c>--v2</c>, the Open Inference Protocol with binary tensor data) and prints the outputs with their class names.
/// </summary>
public static class PredictCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var target = new Argument<string>("model") { Description = "<name> (its default version) or <name>/<version>." };
        var input = new Option<string?>("--input") { Description = "A simple API request ({\"inputs\": {...}} or {\"input\": ...}), a bare nested array, or a .npy file; - reads standard input." };
        var v2 = new Option<bool>("--v2") { Description = "Send the Open Inference Protocol request with the binary tensor data extension." };
        var example = new Option<bool>("--example") { Description = "Send the model's example request (config.json example)." };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON answer." };
        var command = new Command("predict", "Call a model and print its outputs.") { target, input, v2, example, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var model = ModelTarget.Parse(parsed.GetValue(target)!);
            using var api = global.Connect(parsed, io).ApiClient();
            var request = await RequestAsync(io, api, model, parsed.GetValue(input), parsed.GetValue(example), cancellationToken);
            var answer = parsed.GetValue(v2)
                ? await InferV2Async(api, model, request, cancellationToken)
                : await api.PostAsync(model.Path() + "/predict", new StringContent(request.Simple.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(answer.ToJsonString(Render.Indented));
            }
            else
            {
                Outputs(io.Console, answer, parsed.GetValue(v2) ? await LabelsAsync(api, model, cancellationToken) : answer["labels"]?.AsObject());
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The request in the simple API's shape, and the .npy array when that is what was given.</summary>
    private sealed record Request(JsonObject Simple, NpyFile? Npy);

    private static async Task<Request> RequestAsync(CliIo io, ApiClient api, ModelTarget model, string? input, bool example, CancellationToken cancellationToken)
    {
        if (example == (input is not null))
        {
            throw new CliException("Give the request with --input <file.json | file.npy | -> or ask for the model's own with --example (one of the two).", ExitCodes.Usage);
        }

        if (example)
        {
            var version = await VersionViewAsync(api, model, cancellationToken) ?? throw new CliException($"{model} has no default version to take the example from.");
            var text = (string?)version["config"]?["example"] ?? throw new CliException($"{model}'s config.json has no example; pass --input.");
            return new Request(JsonNode.Parse(text)!.AsObject(), null);
        }

        var bytes = input == "-" ? Encoding.UTF8.GetBytes(await io.Input.ReadToEndAsync(cancellationToken)) : await ReadFileAsync(input!, cancellationToken);
        if (NpyFile.IsNpy(bytes))
        {
            var npy = NpyFile.Parse(bytes, input!);
            return new Request(new JsonObject { ["input"] = npy.ToJson() }, npy);
        }

        JsonNode? body;
        try
        {
            body = JsonNode.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw new CliException($"{input} is neither JSON nor a .npy file: {error.Message}", ExitCodes.Usage);
        }

        return body switch
        {
            JsonObject request when request.ContainsKey("inputs") || request.ContainsKey("input") => new Request(request, null),
            JsonArray array => new Request(new JsonObject { ["input"] = array.DeepClone() }, null),
            _ => throw new CliException($"{input} must be a simple API request ({{\"inputs\": {{\"<input>\": <nested array>}}}} or {{\"input\": <nested array>}}) or a nested array.", ExitCodes.Usage),
        };
    }

    private static async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken)
        => File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : throw new CliException($"--input {path} does not exist.", ExitCodes.Usage);

    /// <summary>Converts the request to V2 tensors of the model's datatypes and sends them as binary tensor data.</summary>
    private static async Task<JsonNode> InferV2Async(ApiClient api, ModelTarget model, Request request, CancellationToken cancellationToken)
    {
        var metadata = await api.GetJsonAsync(model.Path("v2/models"), cancellationToken);
        var declared = metadata["inputs"]!.AsArray().ToDictionary(i => (string)i!["name"]!, i => (string)i!["datatype"]!, StringComparer.Ordinal);
        IReadOnlyList<TensorInput> tensors;
        if (request.Npy is { } npy)
        {
            var (name, datatype) = declared.Count == 1 ? declared.First() : throw new CliException($"A .npy file is one tensor; {model} takes {declared.Count} inputs ({string.Join(", ", declared.Keys)}): send a JSON request.", ExitCodes.Usage);
            tensors = npy.Datatype == datatype
                ? [new TensorInput(name, datatype, npy.Shape, npy.Data)]
                : throw new CliException($"The .npy file holds {npy.Datatype}; input '{name}' takes {datatype}: save it as that type.", ExitCodes.Usage);
        }
        else
        {
            var values = request.Simple["inputs"]?.AsObject().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)
                ?? new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { [declared.Count == 1 ? declared.Keys.First() : throw new CliException($"\"input\" is for single-input models; {model} takes {string.Join(", ", declared.Keys)}: use \"inputs\".", ExitCodes.Usage)] = request.Simple["input"] };
            tensors = [.. values.Select(pair => TensorInput.FromJson(
                pair.Key,
                declared.TryGetValue(pair.Key, out var datatype) ? datatype : throw new CliException($"{model} has no input '{pair.Key}'; it takes {string.Join(", ", declared.Keys)}.", ExitCodes.Usage),
                pair.Value))];
        }

        var (body, headerLength) = TensorInput.BinaryRequest(tensors);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return await api.PostAsync(model.Path("v2/models") + "/infer", content, cancellationToken, [new("Inference-Header-Content-Length", headerLength.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>config.json labels of the version that answers (the V2 answer does not carry them).</summary>
    private static async Task<JsonObject?> LabelsAsync(ApiClient api, ModelTarget model, CancellationToken cancellationToken)
        => (await VersionViewAsync(api, model, cancellationToken))?["config"]?["labels"]?.AsObject();

    /// <summary>The management view of the version named, or of the model's default version (null when it has none).</summary>
    private static async Task<JsonNode?> VersionViewAsync(ApiClient api, ModelTarget model, CancellationToken cancellationToken)
    {
        var view = await api.GetJsonAsync(model.Path(), cancellationToken);
        return model.Version is null ? view["versions"]?.AsArray().FirstOrDefault(v => (long?)v!["version"] == (long?)view["defaultVersion"]) : view;
    }

    /// <summary>A table per output: each row's values and, with labels, the class each row names.</summary>
    private static void Outputs(IAnsiConsole console, JsonNode answer, JsonObject? labels)
    {
        var outputs = answer["outputs"] switch
        {
            JsonObject simple => simple.Select(pair => (pair.Key, Value: pair.Value)).ToList(),
            JsonArray v2 => [.. v2.Select(o => ((string)o!["name"]!, Value: TensorInput.Nest([.. o["data"]!.AsArray()], [.. o["shape"]!.AsArray().Select(d => (long)d!)])))],
            _ => [],
        };
        console.MarkupLine($"[bold]{Markup.Escape($"{answer["model"] ?? answer["model_name"]} version {answer["version"] ?? answer["model_version"]}")}[/]");
        foreach (var (name, value) in outputs)
        {
            var names = labels?[name]?.AsArray().Select(l => (string)l!).ToList();
            var rows = value is JsonArray array && array.All(r => r is JsonArray) ? [.. array] : new List<JsonNode?> { value };
            var table = new Table().Title(Markup.Escape(name)).AddColumns("row", "values");
            if (names is not null)
            {
                table.AddColumn("class");
            }

            for (var r = 0; r < rows.Count; r++)
            {
                var text = rows[r]?.ToJsonString() ?? "null";
                var cells = new List<string> { r.ToString(CultureInfo.InvariantCulture), Markup.Escape(text.Length > 120 ? text[..120] + "…" : text) };
                if (names is not null)
                {
                    cells.Add(Markup.Escape(ClassOf(rows[r], names)));
                }

                table.AddRow([.. cells]);
            }

            console.Write(table);
        }
    }

    /// <summary>The class a row names: the label at its index (a label output), or at its highest score (a score row).</summary>
    private static string ClassOf(JsonNode? row, List<string> names)
    {
        var values = row is JsonArray array ? [.. array] : new List<JsonNode?> { row };
        if (values.Count == 1 && values[0] is JsonValue single)
        {
            var index = single.GetValueKind() switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                JsonValueKind.Number => (int)single.GetValue<double>(),
                _ => -1,
            };
            return index >= 0 && index < names.Count ? names[index] : string.Empty;
        }

        if (values.Count != names.Count || values.Any(v => v is not JsonValue value || value.GetValueKind() != JsonValueKind.Number))
        {
            return string.Empty;
        }

        var scores = values.Select(v => v!.GetValue<double>()).ToList();
        var best = scores.IndexOf(scores.Max());
        return string.Create(CultureInfo.InvariantCulture, $"{names[best]} ({Format.Number(scores[best])})");
    }
}
