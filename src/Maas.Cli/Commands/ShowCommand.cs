using System.CommandLine;
using Maas.Cli.Output;

namespace Maas.Cli.Commands;

/// <summary><c>maas show &lt;name&gt;[/&lt;version&gt;]</c>: versions, status, signature, evaluation, promotion, loaded-on.</summary>
public static class ShowCommand
{
    public static Command Create(GlobalOptions global, CliIo io)
    {
        var target = new Argument<string>("model") { Description = "<name> or <name>/<version>." };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON." };
        var command = new Command("show", "Show a model's versions, or one version.") { target, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var model = ModelTarget.Parse(parsed.GetValue(target)!);
            using var api = global.Connect(parsed, io).ApiClient();
            var view = await api.GetJsonAsync(model.Path(), cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(view.ToJsonString(Render.Indented));
            }
            else if (model.Version is null)
            {
                Render.Model(io.Console, view);
            }
            else
            {
                Render.Version(io.Console, model.Name, view);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
