using Maas.TestKit.Azurite;
using Maas.TestKit.Generation;
using Maas.TestKit.Onnx;

namespace Maas.Cli.Tests.Commands;

/// <summary><c>maas chat</c> and <c>maas embed</c> against the app's OpenAI-compatible API, with real models.</summary>
[Collection(UsesAzurite.Name)]
public sealed class GenerationCommandsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Chat_OneMessage_PrintsTheStreamedAnswerAndItsTokens()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var name = await cli.Serving.AddModelFolderAsync(TinyGpt2.Graph(), TinyGpt2.TokenizerFiles(), TinyGpt2.Config);

        var result = await cli.RunAsync("chat", name, "--message", TinyGpt2.Prompt, "--max-tokens", "60", "--temperature", "0");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(TinyGpt2.Continuation, result.Output.TrimEnd('\n', '\r'));
        Assert.Contains("[4 prompt + 60 completion tokens]", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ClassicModel_FailsWithTheServicesMessage()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var name = await cli.Serving.AddModelAsync(TestModels.Linear());

        var result = await cli.RunAsync("chat", name, "--message", "hi");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("is not a generative model", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embed_TwoTexts_PrintsWidthsAndTheirSimilarity()
    {
        await using var cli = await CliSession.StartAsync(azurite);
        var files = RealModels.ArcticXs();
        var name = await cli.Serving.AddModelFolderAsync(files["model.onnx"], new Dictionary<string, byte[]> { ["vocab.txt"] = files["vocab.txt"] }, """{"generation": {"task": "embeddings", "pooling": "cls"}}""");

        var result = await cli.RunAsync("embed", name, "a cat", "a kitten", "--json");

        Assert.Equal(0, result.ExitCode);
        var data = result.Json["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.Equal(384, data[0]!["embedding"]!.AsArray().Count);
        var table = await cli.RunAsync("embed", name, "a cat", "a kitten");
        Assert.Contains("cosine similarity", table.Output, StringComparison.Ordinal);
        Assert.Contains("1.000", table.Output, StringComparison.Ordinal);
    }
}
