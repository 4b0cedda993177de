using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Maas.Cli.Connection;
using Maas.Cli.Output;
using Maas.Cli.Push;
using Maas.Core.Registry;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas push &lt;folder | model.onnx&gt; --name N [--version V | --next]</c>: check locally, upload in a safe order with
/// progress, then wait until the service has registered (and evaluated) the version and say what it decided.
/// </summary>
public static class PushCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var path = new Argument<string>("path") { Description = "A folder holding model.onnx (with its external-data files, and optionally config.json and evaluation.jsonl), or an .onnx file." };
        var name = new Option<string>("--name") { Description = "The model's name.", Required = true };
        var version = new Option<long?>("--version") { Description = "The version to create (it must not exist yet)." };
        var next = new Option<bool>("--next") { Description = "Create the next free version (the default)." };
        var config = new Option<string?>("--config") { Description = "The model's config.json (applies to every version)." };
        var evaluation = new Option<string?>("--eval") { Description = "The version's evaluation.jsonl." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once uploaded, without waiting for registration." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for registration.", DefaultValueFactory = _ => 600 };
        var poll = new Option<double>("--poll-seconds") { Description = "Seconds between registration checks.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the version as the service reports it, as JSON." };
        var command = new Command("push", "Check a model locally, upload it safely, and wait until it is registered.")
        {
            path, name, version, next, config, evaluation, noWait, timeout, poll, json,
        };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            if (parsed.GetValue(version) is not null && parsed.GetValue(next))
            {
                throw new CliException("--version and --next exclude each other: name the version, or let push take the next free one.", ExitCodes.Usage);
            }

            var model = parsed.GetValue(name)!;
            var files = PushFiles.From(parsed.GetValue(path)!, parsed.GetValue(config), parsed.GetValue(evaluation));
            var checkedVersion = LocalCheck.Run(model, files);
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"checked: model.onnx loads ({checkedVersion.Signature.Inputs.Count} inputs, {checkedVersion.Signature.Outputs.Count} outputs){(files.Config is null ? string.Empty : "; config.json is valid")}{(files.EvaluationSet is null ? string.Empty : $"; evaluation.jsonl: {checkedVersion.EvaluationLines} lines fit the graph")}"));
            if (checkedVersion.Config.Evaluation is not null && files.EvaluationSet is null)
            {
                io.Error.WriteLine("note: config.json asks for evaluation and this push has no evaluation.jsonl: the version will await evaluation and not become the default.");
            }

            var connection = global.Connect(parsed, io);
            var models = connection.Models();
            var number = parsed.GetValue(version) ?? await VersionUpload.NextVersionAsync(models, model, cancellationToken);
            if (number is < 1 or > ModelBlobPath.MaxVersion)
            {
                throw new CliException($"--version {number}: {ModelBlobPath.VersionRule}.", ExitCodes.Usage);
            }

            var sha256 = await UploadAsync(io, models, model, number, files, cancellationToken);
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"uploaded {model}/{number} (sha256 {sha256[..12]}…)"));
            if (parsed.GetValue(noWait))
            {
                return ExitCodes.Success;
            }

            using var api = connection.ApiClient();
            var view = await WaitAsync(api, model, number, sha256, files.EvaluationSet is not null, TimeSpan.FromSeconds(parsed.GetValue(timeout)), TimeSpan.FromSeconds(parsed.GetValue(poll)), cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(view.ToJsonString(Render.Indented));
            }
            else
            {
                Render.VersionOutcome(io.Console, model, view);
            }

            return (string?)view["status"] == "Failed" ? ExitCodes.RegistrationFailed
                : (string?)view["promotion"]?["state"] == PromotionPolicy.Rejected ? ExitCodes.PromotionRejected
                : ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<string> UploadAsync(CliIo io, Azure.Storage.Blobs.BlobContainerClient models, string model, long version, PushFiles files, CancellationToken cancellationToken)
    {
        if (!io.Interactive)
        {
            return await new VersionUpload(models, new LineProgress(io.Error)).UploadAsync(model, version, files, cancellationToken);
        }

        return await io.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(context => new VersionUpload(models, new BarProgress(context)).UploadAsync(model, version, files, cancellationToken));
    }

    /// <summary>
    /// Polls the version until the service has registered these bytes (its SHA-256) and reached a verdict: Failed, or
    /// Ready and, when an evaluation set was pushed, evaluated on it.
    /// </summary>
    private static async Task<JsonNode> WaitAsync(ApiClient api, string model, long version, string sha256, bool evaluated, TimeSpan timeout, TimeSpan poll, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var path = string.Create(CultureInfo.InvariantCulture, $"models/{model}/versions/{version}");
        try
        {
            while (true)
            {
                if (await api.GetJsonOrNullAsync(path, linked.Token) is { } view && IsOurs(view, sha256) && IsSettled(view, evaluated))
                {
                    return view;
                }

                await Task.Delay(poll, linked.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException(
                string.Create(CultureInfo.InvariantCulture, $"{model}/{version} was uploaded but not registered within {timeout.TotalSeconds:0} s. Is the app running and watching the models container? Check later with `maas show {model}/{version}`."),
                ExitCodes.TimedOut);
        }
    }

    /// <summary>
    /// The row describes these bytes: same SHA-256, or Failed before the graph was read (too large, a bad config.json).
    /// The version did not exist before the push, so no older registration can be mistaken for it.
    /// </summary>
    private static bool IsOurs(JsonNode view, string sha256)
        => (string?)view["sha256"] == sha256 || ((string?)view["status"] == "Failed" && string.IsNullOrEmpty((string?)view["sha256"]));

    private static bool IsSettled(JsonNode view, bool evaluated) => (string?)view["status"] switch
    {
        "Failed" => true,
        "Ready" => !evaluated || (string?)view["promotion"]?["state"] != PromotionPolicy.AwaitingEvaluation,
        _ => false,
    };
}
