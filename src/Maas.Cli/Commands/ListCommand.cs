using System.CommandLine;
using Maas.Cli.Output;

namespace Maas.Cli.Commands;

/// <summary><c>maas ls</c>: every model with its default version and its versions by status.</summary>
public static class ListCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var json = new Option<bool>("--json") { Description = "Print the service's JSON." };
        var command = new Command("ls", "List the models.") { json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            using var api = global.Connect(parsed, io).ApiClient();
            var models = await api.GetJsonAsync("models", cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(models.ToJsonString(Render.Indented));
            }
            else
            {
                Render.Models(io.Console, models);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
