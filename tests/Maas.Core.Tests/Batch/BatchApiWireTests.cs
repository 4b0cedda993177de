using System.Text;
using System.Text.Json;
using Maas.Core.Batch;
using Maas.Core.Errors;
using Maas.Core.Protocol;

namespace Maas.Core.Tests.Batch;

/// <summary>The Batch API's wire: the create body read, the batch and file objects written as OpenAI's client libraries read them.</summary>
public sealed class BatchApiWireTests
{
    [Fact]
    public void ReadCreate_OpenAisCreateBody_ReadsEveryField()
    {
        var creation = BatchApiRequests.ReadCreate("""{"input_file_id": "file-1", "endpoint": "/v1/chat/completions", "completion_window": "24h", "metadata": {"job": "nightly"}}"""u8);

        Assert.Equal(("file-1", "/v1/chat/completions", "24h"), (creation.InputFileId, creation.Endpoint, creation.CompletionWindow));
        Assert.Equal("nightly", creation.Metadata!["job"]);
    }

    [Theory]
    [InlineData("""{"endpoint": "/v1/embeddings", "completion_window": "24h"}""", "input_file_id", "'input_file_id' is required.")]
    [InlineData("""{"input_file_id": "file-1", "endpoint": "/v1/embeddings", "completion_window": "48h"}""", "completion_window", "must be \"24h\"")]
    [InlineData("""{"input_file_id": "file-1", "endpoint": "/v1/embeddings", "completion_window": "24h", "priority": 1}""", "priority", "Unrecognized request argument")]
    [InlineData("""{"input_file_id": "file-1", "endpoint": "/v1/embeddings", "completion_window": "24h", "metadata": {"a": 1}}""", "metadata", "at most 16 string values")]
    public void ReadCreate_BadBody_400NamingTheField(string body, string field, string message)
    {
        var error = Assert.Throws<MaasException>(() => BatchApiRequests.ReadCreate(Encoding.UTF8.GetBytes(body)));

        Assert.Equal((ErrorKind.InvalidInput, field), (error.Kind, error.Field));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCreate_SeventeenMetadataPairs_400()
    {
        var pairs = string.Join(", ", Enumerable.Range(0, 17).Select(i => $"\"k{i}\": \"v\""));

        var error = Assert.Throws<MaasException>(() => BatchApiRequests.ReadCreate(Encoding.UTF8.GetBytes("{\"input_file_id\": \"f\", \"endpoint\": \"/v1/embeddings\", \"completion_window\": \"24h\", \"metadata\": {" + pairs + "}}")));

        Assert.Equal("metadata", error.Field);
    }

    [Fact]
    public void WriteBatch_FailedBatch_HasOpenAisFieldsWithErrorsCountsAndUnixTimes()
    {
        var created = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var batch = new BatchRecord
        {
            Id = "batch_1",
            Owner = "o",
            Caller = BatchCaller.Operator,
            Endpoint = "/v1/embeddings",
            InputFileId = "file-1",
            CreatedAt = created,
            ExpiresAt = created.AddHours(24),
            Errors = [new BatchLineError(2, "invalid_json_line", "The line is not valid JSON.", null)],
            Counts = new BatchCounts(0, 0, 0),
        }.MoveTo(BatchStatus.Failed, created.AddSeconds(3));
        using var output = new PooledBufferWriter();

        BatchApiObjects.WriteBatch(output, batch);

        using var json = JsonDocument.Parse(output.WrittenMemory);
        var root = json.RootElement;
        Assert.Equal(("batch", "failed", "24h"), (root.GetProperty("object").GetString(), root.GetProperty("status").GetString(), root.GetProperty("completion_window").GetString()));
        Assert.Equal(created.ToUnixTimeSeconds(), root.GetProperty("created_at").GetInt64());
        Assert.Equal(created.ToUnixTimeSeconds() + 3, root.GetProperty("failed_at").GetInt64());
        Assert.Equal(created.ToUnixTimeSeconds() + (24 * 3600), root.GetProperty("expires_at").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("completed_at").ValueKind);
        var error = root.GetProperty("errors").GetProperty("data")[0];
        Assert.Equal((2, "invalid_json_line"), (error.GetProperty("line").GetInt32(), error.GetProperty("code").GetString()));
        Assert.Equal(0, root.GetProperty("request_counts").GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("output_file_id").ValueKind);
    }

    [Fact]
    public void WriteBatchList_Page_HasFirstAndLastIdsAndHasMore()
    {
        var created = DateTimeOffset.UnixEpoch;
        BatchRecord Record(string id) => new() { Id = id, Owner = "o", Caller = BatchCaller.Operator, Endpoint = "/v1/embeddings", InputFileId = "f", CreatedAt = created, ExpiresAt = created };
        using var output = new PooledBufferWriter();

        BatchApiObjects.WriteBatchList(output, [Record("batch_2"), Record("batch_1")], hasMore: true);

        using var json = JsonDocument.Parse(output.WrittenMemory);
        Assert.Equal(("list", "batch_2", "batch_1", true), (json.RootElement.GetProperty("object").GetString(), json.RootElement.GetProperty("first_id").GetString(), json.RootElement.GetProperty("last_id").GetString(), json.RootElement.GetProperty("has_more").GetBoolean()));
        Assert.Equal(2, json.RootElement.GetProperty("data").GetArrayLength());
    }
}
