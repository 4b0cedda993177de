using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Cli.Input;
using Maas.Cli.Output;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas batch</c>: batch jobs through the Batch API (<c>/v1/files</c>, <c>/v1/batches</c>). <c>submit</c> uploads a
/// JSONL and starts a batch (<c>--wait</c> follows <c>request_counts</c> to the end), <c>ls</c>, <c>show</c>,
/// <c>cancel</c> and <c>download</c> act on the caller's batches, and <c>from-csv</c> turns a CSV whose columns are a
/// model's inputs into the JSONL (the <c>data.csv</c> every tutorial starts from).
/// </summary>
public static class BatchCommand
{
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(2);

    public static Command Create(GlobalOptions global, CliIo io) => new("batch", "Score a whole file with one call: submit, follow, download batch jobs.")
    {
        Submit(global, io),
        List(global, io),
        Show(global, io),
        Cancel(global, io),
        Download(global, io),
        FromCsv(global, io),
    };

    private static Command Submit(GlobalOptions global, CliIo io)
    {
        var file = new Argument<FileInfo>("file") { Description = "The JSONL: one {\"custom_id\", \"method\": \"POST\", \"url\", \"body\"} per line." };
        var endpoint = new Option<string?>("--endpoint") { Description = "The prediction path every line calls (default: the first line's url)." };
        var wait = new Option<bool>("--wait") { Description = "Follow the batch until it ends, with its progress." };
        var poll = new Option<TimeSpan>("--poll") { Description = "How often --wait asks for the batch's status (default 00:00:02).", DefaultValueFactory = _ => DefaultPoll };
        var json = new Option<bool>("--json") { Description = "Print the batch object as JSON." };
        var command = new Command("submit", "Upload a JSONL of requests and start a batch.") { file, endpoint, wait, poll, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var input = parsed.GetValue(file)!;
            if (!input.Exists)
            {
                throw new CliException($"{input.FullName} does not exist.", ExitCodes.Usage);
            }

            var path = parsed.GetValue(endpoint) ?? FirstUrl(input);
            using var api = global.Connect(parsed, io).ApiClient();
            await using var content = input.OpenRead();
            using var form = new MultipartFormDataContent
            {
                { new StringContent("batch"), "purpose" },
                { new StreamContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/jsonl") } }, "file", input.Name },
            };
            var uploaded = await api.PostAsync("v1/files", form, cancellationToken);
            var request = new JsonObject { ["input_file_id"] = (string?)uploaded["id"], ["endpoint"] = path, ["completion_window"] = "24h" };
            var batch = await api.PostAsync("v1/batches", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
            var id = (string)batch["id"]!;
            io.Error.WriteLine($"batch {id} submitted: {input.Name} ({Format.Bytes((long)uploaded["bytes"]!)}) against {path}");
            if (parsed.GetValue(wait))
            {
                batch = await FollowAsync(api, io, id, parsed.GetValue(poll), cancellationToken);
            }

            Print(io, batch, parsed.GetValue(json));
            return (string?)batch["status"] is "failed" or "expired" or "cancelled" ? ExitCodes.Error : ExitCodes.Success;
        }));
        return command;
    }

    private static Command List(GlobalOptions global, CliIo io)
    {
        var limit = new Option<int>("--limit") { Description = "Most batches to list, newest first (default 20).", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON answer." };
        var command = new Command("ls", "List your batches, newest first.") { limit, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            using var api = global.Connect(parsed, io).ApiClient();
            var page = await api.GetJsonAsync(string.Create(CultureInfo.InvariantCulture, $"v1/batches?limit={parsed.GetValue(limit)}"), cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(page.ToJsonString(Render.Indented));
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("id", "status", "endpoint", "completed", "failed", "total", "created");
            foreach (var batch in page["data"]!.AsArray())
            {
                var counts = batch!["request_counts"]!;
                table.AddRow(
                    (string)batch["id"]!,
                    (string)batch["status"]!,
                    Markup.Escape((string)batch["endpoint"]!),
                    ((int)counts["completed"]!).ToString(CultureInfo.InvariantCulture),
                    ((int)counts["failed"]!).ToString(CultureInfo.InvariantCulture),
                    ((int)counts["total"]!).ToString(CultureInfo.InvariantCulture),
                    DateTimeOffset.FromUnixTimeSeconds((long)batch["created_at"]!).ToString("u", CultureInfo.InvariantCulture));
            }

            io.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(GlobalOptions global, CliIo io)
    {
        var id = new Argument<string>("id") { Description = "The batch's id (batch_…)." };
        var json = new Option<bool>("--json") { Description = "Print the batch object as JSON." };
        var command = new Command("show", "Show one batch: status, counts, files, the file's errors.") { id, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            using var api = global.Connect(parsed, io).ApiClient();
            Print(io, await api.GetJsonAsync($"v1/batches/{Uri.EscapeDataString(parsed.GetValue(id)!)}", cancellationToken), parsed.GetValue(json));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Cancel(GlobalOptions global, CliIo io)
    {
        var id = new Argument<string>("id") { Description = "The batch's id (batch_…)." };
        var command = new Command("cancel", "Stop a batch: no new chunks start; what ran is kept in its output.") { id };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            using var api = global.Connect(parsed, io).ApiClient();
            var batch = await api.PostAsync($"v1/batches/{Uri.EscapeDataString(parsed.GetValue(id)!)}/cancel", new StringContent(string.Empty), cancellationToken);
            io.Output.WriteLine($"{batch["id"]}: {batch["status"]}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Download(GlobalOptions global, CliIo io)
    {
        var id = new Argument<string>("id") { Description = "The batch's id (batch_…)." };
        var folder = new Option<DirectoryInfo?>("--output") { Description = "Folder to write <id>.output.jsonl and <id>.errors.jsonl to (default: the current folder)." };
        var command = new Command("download", "Download a batch's output and error files.") { id, folder };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var batchId = parsed.GetValue(id)!;
            var target = parsed.GetValue(folder)?.FullName ?? Directory.GetCurrentDirectory();
            Directory.CreateDirectory(target);
            using var api = global.Connect(parsed, io).ApiClient();
            var batch = await api.GetJsonAsync($"v1/batches/{Uri.EscapeDataString(batchId)}", cancellationToken);
            var written = 0;
            foreach (var (field, suffix) in new[] { ("output_file_id", "output"), ("error_file_id", "errors") })
            {
                if ((string?)batch[field] is not { } fileId)
                {
                    continue;
                }

                var path = Path.Combine(target, $"{batchId}.{suffix}.jsonl");
                await using var output = File.Create(path);
                var bytes = await api.DownloadAsync($"v1/files/{Uri.EscapeDataString(fileId)}/content", output, cancellationToken);
                io.Output.WriteLine($"{path} ({Format.Bytes(bytes)})");
                written++;
            }

            if (written == 0)
            {
                throw new CliException($"Batch {batchId} is {batch["status"]} and has no output or error file yet.");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command FromCsv(GlobalOptions global, CliIo io)
    {
        var csv = new Argument<FileInfo>("csv") { Description = "A CSV with a header row; its columns are the model's inputs (or the features of its one input), a custom_id column optional." };
        var model = new Option<string>("--model") { Description = "<name> or <name>/<version>: the model whose inputs the columns are.", Required = true };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the JSONL (default: beside the CSV, .jsonl)." };
        var command = new Command("from-csv", "Turn a CSV of a model's inputs into a batch JSONL for its predict endpoint.") { csv, model, output };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var source = parsed.GetValue(csv)!;
            if (!source.Exists)
            {
                throw new CliException($"{source.FullName} does not exist.", ExitCodes.Usage);
            }

            var target = ModelTarget.Parse(parsed.GetValue(model)!);
            using var api = global.Connect(parsed, io).ApiClient();
            var versionPath = target.Version is { } v ? string.Create(CultureInfo.InvariantCulture, $"/versions/{v}") : string.Empty;
            var metadata = await api.GetJsonAsync($"v2/models/{Uri.EscapeDataString(target.Name)}{versionPath}", cancellationToken);
            var url = $"/models/{target.Name}{versionPath}/predict";
            var destination = parsed.GetValue(output)?.FullName ?? Path.ChangeExtension(source.FullName, ".jsonl");
            var rows = await CsvBatch.WriteAsync(source.FullName, destination, url, metadata["inputs"]!.AsArray(), cancellationToken);
            io.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{destination}: {rows} lines for {url}"));
            io.Error.WriteLine($"Submit it: maas batch submit {Path.GetFileName(destination)} --wait");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Asks for the batch every <paramref name="poll"/> until it ends, showing its counts; the final batch object.</summary>
    private static async Task<JsonNode> FollowAsync(Connection.ApiClient api, CliIo io, string id, TimeSpan poll, CancellationToken cancellationToken)
    {
        var path = $"v1/batches/{Uri.EscapeDataString(id)}";
        if (!io.Interactive)
        {
            var last = string.Empty;
            while (true)
            {
                var batch = await api.GetJsonAsync(path, cancellationToken);
                var line = Progress(batch);
                if (line != last)
                {
                    io.Error.WriteLine(line);
                    last = line;
                }

                if (IsEnded(batch))
                {
                    return batch;
                }

                await Task.Delay(poll, cancellationToken);
            }
        }

        JsonNode? final = null;
        await io.Console.Progress().StartAsync(async context =>
        {
            var task = context.AddTask(id, maxValue: 1);
            while (true)
            {
                var batch = await api.GetJsonAsync(path, cancellationToken);
                var counts = batch["request_counts"]!;
                task.MaxValue = Math.Max(1, (int)counts["total"]!);
                task.Value = (int)counts["completed"]! + (int)counts["failed"]!;
                task.Description = Markup.Escape(Progress(batch));
                if (IsEnded(batch))
                {
                    final = batch;
                    return;
                }

                await Task.Delay(poll, cancellationToken);
            }
        });
        return final!;
    }

    private static bool IsEnded(JsonNode batch) => (string?)batch["status"] is "completed" or "failed" or "expired" or "cancelled";

    private static string Progress(JsonNode batch)
    {
        var counts = batch["request_counts"]!;
        return string.Create(CultureInfo.InvariantCulture, $"{batch["id"]} {batch["status"]}: {(int)counts["completed"]!} completed, {(int)counts["failed"]!} failed of {(int)counts["total"]!}");
    }

    private static void Print(CliIo io, JsonNode batch, bool json)
    {
        if (json)
        {
            io.Output.WriteLine(batch.ToJsonString(Render.Indented));
            return;
        }

        io.Output.WriteLine(Progress(batch));
        foreach (var (label, field) in new[] { ("output file", "output_file_id"), ("error file", "error_file_id") })
        {
            if ((string?)batch[field] is { } fileId)
            {
                io.Output.WriteLine($"  {label}: {fileId}");
            }
        }

        foreach (var error in batch["errors"]?["data"]?.AsArray() ?? [])
        {
            io.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  line {(int)error!["line"]!}: {error["code"]}: {error["message"]}"));
        }

        if ((string?)batch["output_file_id"] is not null || (string?)batch["error_file_id"] is not null)
        {
            io.Error.WriteLine($"Download: maas batch download {batch["id"]}");
        }
    }

    private static string FirstUrl(FileInfo file)
    {
        using var reader = file.OpenText();
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }

            try
            {
                return (string?)JsonNode.Parse(line)?["url"] ?? throw new CliException($"The first line of {file.Name} has no url; pass --endpoint.", ExitCodes.Usage);
            }
            catch (System.Text.Json.JsonException)
            {
                throw new CliException($"The first line of {file.Name} is not JSON; pass --endpoint, and see the service's answer for every bad line.", ExitCodes.Usage);
            }
        }

        throw new CliException($"{file.Name} holds no lines.", ExitCodes.Usage);
    }
}
