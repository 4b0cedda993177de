using Azure.Storage.Blobs;
using Spectre.Console;

namespace Maas.Cli;

/// <summary>
/// Where the CLI reads and writes: its console (tables, progress and colours, plain text when output is redirected),
/// its error stream, standard input, and the profile file. Tests pass their own writers, profile path and blob client options.
/// </summary>
public sealed class CliIo(TextWriter output, TextWriter error, TextReader input, bool interactive, string profilePath)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public TextReader Input { get; } = input;

    /// <summary>True when a person is at a terminal: progress bars and confirmations; false when output is redirected.</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>The saved profile, <c>~/.maas/config.json</c> by default.</summary>
    public string ProfilePath { get; } = profilePath;

    /// <summary>Options of every blob client the CLI creates (tests add pipeline policies).</summary>
    public BlobClientOptions BlobOptions { get; init; } = new();

    /// <summary>How wide tables may grow when output is redirected: wide enough that logs keep each row on one line.</summary>
    public const int RedirectedWidth = 240;

    /// <summary>The console tables and progress are rendered to: ANSI and colours only at an interactive terminal.</summary>
    public IAnsiConsole Console { get; } = CreateConsole(output, interactive);

    private static IAnsiConsole CreateConsole(TextWriter output, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        if (!interactive)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    /// <summary>The process's own console and the user's profile.</summary>
    public static CliIo ForProcess() => new(
        System.Console.Out,
        System.Console.Error,
        System.Console.In,
        !System.Console.IsOutputRedirected && !System.Console.IsInputRedirected,
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".maas", "config.json"));
}
