using System.Text.Json;
using Maas.Core.Batch;
using Maas.TestKit.Azurite;
using Maas.TestKit.Clients;
using Maas.TestKit.Generation;

namespace Maas.Functions.Tests.Functions;

/// <summary>The Batch API through the official OpenAI client library (npm <c>openai</c>), the host-shaped forwarder and the app's functions, with chat completion lines on the tiny GPT-2.</summary>
[Collection(UsesAzurite.Name)]
public sealed class BatchesTests(AzuriteFixture azurite)
{
    private const string Script = "tests/Maas.Functions.Tests/Clients/openai-batch-client.mjs";

    [Fact]
    public async Task OpenAiNodeClient_FilesCreateBatchesCreateRetrieveAndFilesContent_WorkAsAgainstOpenAi()
    {
        await using var app = await GenerativeApp.StartAsync(azurite, batches: true);

        using var submitted = JsonDocument.Parse(await NodeClient.RunAsync(Script, app.Host.BaseAddress.ToString(), "submit", app.Model));
        var file = submitted.RootElement.GetProperty("file");
        Assert.Equal("batch", file.GetProperty("purpose").GetString());
        Assert.Equal("requests.jsonl", file.GetProperty("filename").GetString());
        Assert.Equal(30 * 24 * 3600, file.GetProperty("expires").GetInt64() - file.GetProperty("created").GetInt64());
        var created = submitted.RootElement.GetProperty("batch");
        Assert.Equal(("validating", "/v1/chat/completions", "nightly"), (created.GetProperty("status").GetString(), created.GetProperty("endpoint").GetString(), created.GetProperty("metadata").GetProperty("job").GetString()));
        var batchId = created.GetProperty("id").GetString()!;

        Assert.Equal(BatchStatus.Completed, (await app.Batches!.WaitAsync(batchId)).Status);
        using var collected = JsonDocument.Parse(await NodeClient.RunAsync(Script, app.Host.BaseAddress.ToString(), "collect", batchId));

        var root = collected.RootElement;
        Assert.Equal("completed", root.GetProperty("batch").GetProperty("status").GetString());
        Assert.Equal((3, 3, 0), (root.GetProperty("batch").GetProperty("counts").GetProperty("total").GetInt32(), root.GetProperty("batch").GetProperty("counts").GetProperty("completed").GetInt32(), root.GetProperty("batch").GetProperty("counts").GetProperty("failed").GetInt32()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("batch").GetProperty("errors").ValueKind);
        var lines = root.GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["a", "b", "c"], lines.Select(l => l.GetProperty("custom_id").GetString()));
        Assert.All(lines, line =>
        {
            var response = line.GetProperty("response");
            Assert.Equal(200, response.GetProperty("status_code").GetInt32());
            Assert.Equal(TinyGpt2.Continuation, response.GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        });
        Assert.Contains(batchId, root.GetProperty("listed").EnumerateArray().Select(id => id.GetString()));
        Assert.Equal((409, "ConflictError"), (root.GetProperty("cancel").GetProperty("status").GetInt32(), root.GetProperty("cancel").GetProperty("type").GetString()));
        Assert.True(root.GetProperty("deleted").GetBoolean());
        Assert.Equal(404, root.GetProperty("afterDelete").GetProperty("status").GetInt32());
    }
}
