using System.CommandLine;
using System.Globalization;
using Azure.Storage.Blobs.Models;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary><c>maas rm &lt;name&gt;/&lt;version&gt;</c>: deletes the version's blobs after a confirmation (<c>--yes</c> for scripts).</summary>
public static class RemoveCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var target = new Argument<string>("version") { Description = "<name>/<version>." };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation." };
        var command = new Command("rm", "Delete a version's blobs; the service stops serving it.") { target, yes };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var version = ModelTarget.Parse(parsed.GetValue(target)!, versionRequired: true);
            var models = global.Connect(parsed, io).Models();
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{version.Name}/{version.Version}/");
            var blobs = new List<string>();
            await foreach (var blob in models.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
            {
                blobs.Add(blob.Name);
            }

            if (blobs.Count == 0)
            {
                throw new CliException($"{version} has no blobs in container '{models.Name}'; nothing to remove (maas show {version.Name} lists its versions).");
            }

            if (!parsed.GetValue(yes))
            {
                if (!io.Interactive)
                {
                    throw new CliException(string.Create(CultureInfo.InvariantCulture, $"rm deletes {blobs.Count} blobs of {version}; confirm with --yes when no one is at the terminal."), ExitCodes.Usage);
                }

                if (!await io.Console.ConfirmAsync(string.Create(CultureInfo.InvariantCulture, $"Delete the {blobs.Count} blobs of {version} ({string.Join(", ", blobs.Select(b => b[prefix.Length..]))})?"), defaultValue: false, cancellationToken))
                {
                    io.Error.WriteLine("nothing deleted.");
                    return ExitCodes.Error;
                }
            }

            // model.onnx first: the version stops being servable before its other files go.
            foreach (var blob in blobs.OrderBy(b => b.EndsWith("/model.onnx", StringComparison.Ordinal) ? 0 : 1))
            {
                await models.GetBlobClient(blob).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
            }

            io.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deleted {blobs.Count} blobs of {version}; the service marks it Removed at once in Azure (Event Grid), else within one reconcile period."));
            return ExitCodes.Success;
        }));
        return command;
    }
}
