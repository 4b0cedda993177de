using System.Text.Json;
using Maas.TestKit.Azurite;
using Maas.TestKit.Clients;
using Maas.TestKit.Generation;

namespace Maas.Functions.Tests.Functions;

/// <summary>The official OpenAI client library (npm <c>openai</c>, pinned in package.json) against the app on a loopback port, through the host-shaped forwarder.</summary>
[Collection(UsesAzurite.Name)]
public sealed class OpenAiClientTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task OpenAiNodeClient_ChatStreamCompletionsModelsAndErrors_WorkAsAgainstOpenAi()
    {
        await using var generative = await GenerativeApp.StartAsync(azurite);
        var model = generative.Model;

        using var result = JsonDocument.Parse(await NodeClient.RunAsync("tests/Maas.Functions.Tests/Clients/openai-client.mjs", generative.Host.BaseAddress.ToString(), model));
        var root = result.RootElement;

        Assert.Equal(TinyGpt2.Continuation, root.GetProperty("chat").GetProperty("content").GetString());
        Assert.Equal(64, root.GetProperty("chat").GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal(TinyGpt2.Continuation, root.GetProperty("stream").GetProperty("content").GetString());
        Assert.True(root.GetProperty("stream").GetProperty("chunks").GetInt32() > 30);
        Assert.Equal(60, root.GetProperty("stream").GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(TinyGpt2.Continuation, root.GetProperty("completion").GetProperty("text").GetString());
        Assert.Contains(model, root.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        var notFound = root.GetProperty("notFound");
        Assert.Equal((404, "NotFoundError", "model_not_found"), (notFound.GetProperty("status").GetInt32(), notFound.GetProperty("type").GetString(), notFound.GetProperty("code").GetString()));
        var tooLong = root.GetProperty("tooLong");
        Assert.Equal((400, "BadRequestError", "context_length_exceeded"), (tooLong.GetProperty("status").GetInt32(), tooLong.GetProperty("type").GetString(), tooLong.GetProperty("code").GetString()));
        Assert.Contains("maximum context length is 128 tokens", tooLong.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
