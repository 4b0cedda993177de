using System.Diagnostics;
using Xunit;

namespace Maas.TestKit.Clients;

/// <summary>Runs a Node.js script of the tests (an official client library calling the app, as a user would) and returns what it printed.</summary>
public static class NodeClient
{
    /// <param name="script">The script's path under the repository root.</param>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(RepoPaths.Combine(script.Split('/')));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{script} failed: {await errors}");
        return await output;
    }
}
