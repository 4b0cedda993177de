using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;

namespace Maas.Cli.Tests.Commands;

/// <summary>
/// <c>maas predict</c> on the linear model (y = xW + b), whose answer the test computes from the known weights: for
/// x = [1, 2, 3, 4], y = [-2, 3.1, 4.75], so the class named is the third, "high".
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class PredictCommandTests(AzuriteFixture azurite)
{
    private static readonly double[] Expected = ExpectedOutput([1, 2, 3, 4]);

    private readonly string _name = AzuriteFixture.UniqueName("q");

    private static double[] ExpectedOutput(float[] x)
        => [.. Enumerable.Range(0, TestModels.LinearOutputs).Select(j => (double)(Enumerable.Range(0, TestModels.LinearInputs).Sum(i => x[i] * TestModels.LinearWeights[(i * TestModels.LinearOutputs) + j]) + TestModels.LinearBias[j]))];

    private Task<Maas.Core.Models.ModelVersionRecord> AddAsync(CliSession cli)
        => cli.Serving.AddVersionAsync(_name, TestModels.Linear(), """{"labels": {"y": ["low", "mid", "high"]}, "example": {"input": [[1, 2, 3, 4]]}}""");

    private static void AssertOutputs(System.Text.Json.Nodes.JsonNode row)
        => Assert.Equal(Expected, row.AsArray().Select(v => (double)v!), (a, b) => Math.Abs(a - b) < 1e-5);

    [Fact]
    public async Task Predict_JsonFile_CallsTheSimpleApiAndNamesTheClass()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);
        var input = Path.Combine(cli.WorkFolder, "x.json");
        File.WriteAllText(input, """{"inputs": {"x": [[1, 2, 3, 4]]}}""");

        var table = await cli.RunAsync("predict", _name, "--input", input);
        var json = await cli.RunAsync("predict", _name, "--input", input, "--json");

        Assert.Equal((0, 0), (table.ExitCode, json.ExitCode));
        AssertOutputs(json.Json["outputs"]!["y"]![0]!);
        Assert.Equal([-2.0, 3.1, 4.75], Expected, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"high ({(float)Expected[2]:G4})"), table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_BareArrayOnStandardInput_IsTheSingleInput()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);
        var input = Path.Combine(cli.WorkFolder, "x.json");
        File.WriteAllText(input, "[[1, 2, 3, 4]]");

        var result = await cli.RunAsync("predict", $"{_name}/1", "--input", input, "--json");

        Assert.Equal(0, result.ExitCode);
        AssertOutputs(result.Json["outputs"]!["y"]![0]!);
    }

    [Fact]
    public async Task Predict_NpyWithV2_SendsBinaryTensorData()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);
        var input = Path.Combine(cli.WorkFolder, "x.npy");
        File.WriteAllBytes(input, Npy("<f4", [1, 4], [1f, 2f, 3f, 4f]));

        var result = (await cli.RunAsync("predict", _name, "--input", input, "--v2", "--json")).Succeeded();
        var table = (await cli.RunAsync("predict", _name, "--input", input, "--v2")).Succeeded();

        var output = result.Json["outputs"]![0]!;
        Assert.Equal("y", (string?)output["name"]);
        Assert.Equal(Expected, output["data"]!.AsArray().Select(v => (double)v!), (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Contains("high", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_Example_SendsTheConfigsExample()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);

        var result = await cli.RunAsync("predict", _name, "--example", "--json");

        Assert.Equal(0, result.ExitCode);
        AssertOutputs(result.Json["outputs"]!["y"]![0]!);
    }

    [Fact]
    public async Task Predict_NpyOfTheWrongTypeWithV2_SaysWhichTypeTheInputTakes()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);
        var input = Path.Combine(cli.WorkFolder, "x.npy");
        File.WriteAllBytes(input, Npy("<f8", [1, 4], [1d, 2d, 3d, 4d]));

        var result = await cli.RunAsync("predict", _name, "--input", input, "--v2");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("The .npy file holds FP64; input 'x' takes FP32: save it as that type.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_InputTheModelRefuses_PrintsTheServicesMessage()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        await AddAsync(cli);
        var input = Path.Combine(cli.WorkFolder, "x.json");
        File.WriteAllText(input, """{"input": [[1, 2, 3]]}""");

        var result = await cli.RunAsync("predict", _name, "--input", input);

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.Contains($"POST /models/{_name}/predict answered 400:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_NeitherInputNorExample_IsAUsageError()
    {
        await using var cli = await CliSession.StartAsync(azurite);

        var result = await cli.RunAsync("predict", _name);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("--input", result.Error, StringComparison.Ordinal);
    }

    /// <summary>A version 1.0 .npy file, written by hand as NumPy writes it.</summary>
    internal static byte[] Npy<T>(string descr, long[] shape, T[] values)
        where T : unmanaged
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : string.Empty)}), }}";
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        var data = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        var bytes = new byte[10 + padded.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)padded.Length);
        Encoding.Latin1.GetBytes(padded).CopyTo(bytes, 10);
        data.CopyTo(bytes, 10 + padded.Length);
        return bytes;
    }
}
