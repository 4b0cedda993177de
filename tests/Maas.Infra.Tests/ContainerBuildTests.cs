using System.Diagnostics;
using System.Text.Json;
using Maas.TestKit;

namespace Maas.Infra.Tests;

/// <summary>What can be checked of the container build without a Docker engine: the Dockerfile's shape and the GPU package switch.</summary>
public sealed class ContainerBuildTests
{
    [Fact]
    public void Dockerfile_IsMultiStageOnTheOfficialFunctionsImage_WithTheGpuSwitch()
    {
        var dockerfile = File.ReadAllText(RepoPaths.Combine("Dockerfile"));

        Assert.Equal(2, dockerfile.Split('\n').Count(line => line.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains("FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxGpu=${ONNX_GPU}", dockerfile, StringComparison.Ordinal);
        Assert.Contains("libcudnn9-cuda-12", dockerfile, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", "Microsoft.ML.OnnxRuntime.Gpu.Linux", "Microsoft.ML.OnnxRuntime")]
    [InlineData("false", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.OnnxRuntime.Gpu.Linux")]
    public async Task Restore_OnnxGpuSwitch_SelectsAndRestoresTheOnnxRuntimePackage(string onnxGpu, string expected, string absent)
    {
        var intermediate = Directory.CreateTempSubdirectory("maas-restore-").FullName + Path.DirectorySeparatorChar;
        try
        {
            var start = new ProcessStartInfo(
                "dotnet",
                ["restore", RepoPaths.Combine("src", "Maas.Core", "Maas.Core.csproj"), $"-p:OnnxGpu={onnxGpu}", $"-p:MSBuildProjectExtensionsPath={intermediate}", $"-p:BaseIntermediateOutputPath={intermediate}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();

            Assert.True(process.ExitCode == 0, output);
            using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(intermediate, "project.assets.json")));
            var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name.Split('/')[0]).ToList();
            Assert.Contains(expected, libraries);
            Assert.DoesNotContain(absent, libraries);
        }
        finally
        {
            Directory.Delete(intermediate, recursive: true);
        }
    }
}
