using System.Text;
using System.Text.Json;
using Maas.Core.Batch;
using Maas.Core.Errors;
using Maas.Core.Protocol;
using Maas.Core.Serving;
using Maas.TestKit.Azurite;
using Maas.TestKit.Batch;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Batch;

/// <summary>The Batch API's calls on Azurite: a caller's files and batches are its own, and bad requests are 4xx naming what was wrong.</summary>
[Collection(UsesAzurite.Name)]
public sealed class BatchApiTests(AzuriteFixture azurite)
{
    private static readonly Caller Alice = new("app-1", "oid-alice", new HashSet<string> { "Models.Predict" }, new HashSet<string>());
    private static readonly Caller Bob = new("app-1", "oid-bob", new HashSet<string> { "Models.Predict" }, new HashSet<string>());

    [Fact]
    public async Task Calls_AnotherCallersFileAndBatch_AreNotFoundForThem()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var api = batches.Api;
        var fileId = await UploadAsync(api, Alice, $$$"""{"custom_id": "a", "method": "POST", "url": "/models/{{{model}}}/predict", "body": {"input": [[1, 2, 3, 4]]}}""");
        var batchId = IdOf(await api.CreateBatchAsync(batches.Durable, Json($$$"""{"input_file_id": "{{{fileId}}}", "endpoint": "/models/{{{model}}}/predict", "completion_window": "24h"}"""), Alice, CancellationToken.None));
        await batches.WaitAsync(batchId);

        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.GetFileAsync(Bob, fileId, CancellationToken.None))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.OpenFileAsync(Bob, fileId, CancellationToken.None))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.DeleteFileAsync(Bob, fileId, CancellationToken.None))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.GetBatchAsync(Bob, batchId, CancellationToken.None))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.CancelBatchAsync(Bob, batchId, CancellationToken.None))).Kind);

        // An id no batch can have (characters a table key cannot hold) is not found either, never a storage error.
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.GetBatchAsync(Alice, "batch#1?/x", CancellationToken.None))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.CancelBatchAsync(Alice, "batch#1?/x", CancellationToken.None))).Kind);
        Assert.Equal(ErrorKind.NotFound, (await Assert.ThrowsAsync<MaasException>(() => api.GetFileAsync(Alice, "file-#1", CancellationToken.None))).Kind);
        var usingAlicesFile = await Assert.ThrowsAsync<MaasException>(() => api.CreateBatchAsync(batches.Durable, Json($$$"""{"input_file_id": "{{{fileId}}}", "endpoint": "/models/{{{model}}}/predict", "completion_window": "24h"}"""), Bob, CancellationToken.None));
        Assert.Equal((ErrorKind.InvalidInput, "input_file_id"), (usingAlicesFile.Kind, usingAlicesFile.Field));
        using (var bobs = await api.ListBatchesAsync(Bob, after: null, limit: null, CancellationToken.None))
        {
            using var list = JsonDocument.Parse(bobs.Body);
            Assert.Equal(0, list.RootElement.GetProperty("data").GetArrayLength());
        }

        using var alices = await api.GetBatchAsync(Alice, batchId, CancellationToken.None);
        using var batch = JsonDocument.Parse(alices.Body);
        Assert.Equal("completed", batch.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ListBatchesAsync_ThreeBatchesInPagesOfTwo_NewestFirstWithHasMore()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var fileId = await UploadAsync(batches.Api, Alice, $$$"""{"custom_id": "a", "method": "POST", "url": "/models/{{{model}}}/predict", "body": {"input": [[1, 2, 3, 4]]}}""");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(IdOf(await batches.Api.CreateBatchAsync(batches.Durable, Json($$$"""{"input_file_id": "{{{fileId}}}", "endpoint": "/models/{{{model}}}/predict", "completion_window": "24h"}"""), Alice, CancellationToken.None)));
        }

        using var first = JsonDocument.Parse((await batches.Api.ListBatchesAsync(Alice, null, "2", CancellationToken.None)).Body);
        using var second = JsonDocument.Parse((await batches.Api.ListBatchesAsync(Alice, first.RootElement.GetProperty("last_id").GetString(), "2", CancellationToken.None)).Body);

        Assert.Equal([ids[2], ids[1]], first.RootElement.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.True(first.RootElement.GetProperty("has_more").GetBoolean());
        Assert.Equal([ids[0]], second.RootElement.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.False(second.RootElement.GetProperty("has_more").GetBoolean());
        Assert.Equal("limit", (await Assert.ThrowsAsync<MaasException>(() => batches.Api.ListBatchesAsync(Alice, null, "101", CancellationToken.None))).Field);
        foreach (var id in ids)
        {
            await batches.WaitAsync(id);
        }
    }

    [Fact]
    public async Task Calls_BadRequests_Are4xxNamingWhatWasWrong()
    {
        using var serving = new ServingHarness(azurite);
        await using var batches = await BatchHarness.StartAsync(serving, azurite, options => options.MaxFileBytes = 16);
        var api = batches.Api;

        var purpose = await Assert.ThrowsAsync<MaasException>(() => api.UploadFileAsync(Alice, "fine-tune", "a.jsonl", new MemoryStream([1]), CancellationToken.None));
        var tooLarge = await Assert.ThrowsAsync<MaasException>(() => api.UploadFileAsync(Alice, "batch", "a.jsonl", new MemoryStream(new byte[17]), CancellationToken.None));
        var endpoint = await Assert.ThrowsAsync<MaasException>(() => api.CreateBatchAsync(batches.Durable, Json("""{"input_file_id": "file-0", "endpoint": "/v1/responses", "completion_window": "24h"}"""), Alice, CancellationToken.None));
        var noFile = await Assert.ThrowsAsync<MaasException>(() => api.CreateBatchAsync(batches.Durable, Json("""{"input_file_id": "file-0", "endpoint": "/v1/embeddings", "completion_window": "24h"}"""), Alice, CancellationToken.None));

        Assert.Equal((ErrorKind.InvalidInput, "purpose"), (purpose.Kind, purpose.Field));
        Assert.Equal((ErrorKind.PayloadTooLarge, "file"), (tooLarge.Kind, tooLarge.Field));
        Assert.Equal((ErrorKind.InvalidInput, "endpoint"), (endpoint.Kind, endpoint.Field));
        Assert.Contains("/v1/chat/completions", endpoint.Message, StringComparison.Ordinal);
        Assert.Equal((ErrorKind.InvalidInput, "input_file_id"), (noFile.Kind, noFile.Field));
    }

    private static async Task<string> UploadAsync(BatchApi api, Caller caller, string line)
        => IdOf(await api.UploadFileAsync(caller, BatchFileStore.InputPurpose, "in.jsonl", new MemoryStream(Encoding.UTF8.GetBytes(line + "\n")), CancellationToken.None));

    private static string IdOf(EncodedResponse response)
    {
        using (response)
        {
            using var json = JsonDocument.Parse(response.Body);
            return json.RootElement.GetProperty("id").GetString()!;
        }
    }

    private static WireRequest Json(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return new WireRequest("application/json", bytes.Length, _ => null, new MemoryStream(bytes));
    }
}
