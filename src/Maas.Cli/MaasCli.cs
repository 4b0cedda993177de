using System.CommandLine;
using Azure;
using Azure.Identity;
using Maas.Cli.Commands;
using Maas.Cli.Connection;

namespace Maas.Cli;

/// <summary>
/// The <c>maas</c> command line: push, ls, show, predict, chat, embed, batch, metrics, drift, rollout, rm and login, with the connection options every
/// command takes. Every failure ends as one message on the error stream and an exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class MaasCli
{
    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(io);
        var global = new GlobalOptions();
        var root = new RootCommand("maas: drop, check and call models served by Maas.Functions.")
        {
            PushCommand.Create(global, io),
            ListCommand.Create(global, io),
            ShowCommand.Create(global, io),
            PredictCommand.Create(global, io),
            ChatCommand.Create(global, io),
            EmbedCommand.Create(global, io),
            BatchCommand.Create(global, io),
            MetricsCommand.Create(global, io),
            DriftCommand.Create(global, io),
            RolloutCommand.Create(global, io),
            RemoveCommand.Create(global, io),
            LoginCommand.Create(global, io),
        };
        foreach (var option in global.All)
        {
            root.Options.Add(option);
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not null && parsed.Errors.All(e => e.Message.Length > 0))
        {
            foreach (var error in parsed.Errors)
            {
                io.Error.WriteLine($"error: {error.Message}");
            }

            io.Error.WriteLine("Run maas --help, or maas <command> --help, for the usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = io.Output, Error = io.Error, ProcessTerminationTimeout = null }, cancellationToken);
    }

    /// <summary>Runs a command's body, turning every expected failure into a message and an exit code.</summary>
    internal static Func<ParseResult, CancellationToken, Task<int>> Guarded(CliIo io, Func<ParseResult, CancellationToken, Task<int>> body) => async (parsed, cancellationToken) =>
    {
        try
        {
            return await body(parsed, cancellationToken);
        }
        catch (CliException error)
        {
            io.Error.WriteLine($"error: {error.Message}");
            return error.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            io.Error.WriteLine("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (RequestFailedException error)
        {
            io.Error.WriteLine($"error: storage answered {error.Status} ({error.ErrorCode ?? "no code"}): {FirstLine(error.Message)} Check --storage and --container, and that your identity may read and write blobs there.");
            return ExitCodes.Error;
        }
        catch (AuthenticationFailedException error)
        {
            io.Error.WriteLine($"error: no token: {FirstLine(error.Message)} Sign in with az login, or pass --device-code.");
            return ExitCodes.Error;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A bug in maas, not the user's: one line, no stack trace.
            io.Error.WriteLine($"error: maas failed unexpectedly ({error.GetType().Name}: {FirstLine(error.Message)}). Run again with --verbose, and report it if it persists.");
            return ExitCodes.Error;
        }
    };

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
}

/// <summary>The options every command takes: where to connect and how much to say.</summary>
public sealed class GlobalOptions
{
    public Option<string?> Api { get; } = new("--api") { Description = "The app's base URL (default: the profile's, else http://localhost:7071).", Recursive = true };

    public Option<string?> Storage { get; } = new("--storage") { Description = "A blob service URI (Entra ID) or a connection string (default: the profile's, else UseDevelopmentStorage=true).", Recursive = true };

    public Option<string?> Container { get; } = new("--container") { Description = "The models container (default: the profile's, else models).", Recursive = true };

    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Print each HTTP exchange (never a token).", Recursive = true };

    public Option<bool> DeviceCode { get; } = new("--device-code") { Description = "Sign in with a device code instead of az login / environment / managed identity.", Recursive = true };

    public IEnumerable<Option> All => [Api, Storage, Container, Verbose, DeviceCode];

    public ServiceConnection Connect(ParseResult parsed, CliIo io)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        return ServiceConnection.Resolve(io, parsed.GetValue(Api), parsed.GetValue(Storage), parsed.GetValue(Container), parsed.GetValue(DeviceCode), parsed.GetValue(Verbose));
    }
}
