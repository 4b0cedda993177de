using System.Diagnostics;
using Maas.TestKit;

namespace Maas.Functions.Tests;

public sealed class ScriptsTests
{
    [Fact]
    public async Task StartLocal_WithoutFunctionsCoreTools_FailsFastSayingHowToInstall()
    {
        var start = new ProcessStartInfo("bash", [RepoPaths.Combine("scripts", "start-local.sh")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["FUNC_CLI"] = "maas-no-such-func-cli";

        using var process = Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("Azure Functions Core Tools v4", stderr, StringComparison.Ordinal);
        Assert.Contains("npm install --global azure-functions-core-tools@4", stderr, StringComparison.Ordinal);
    }
}
