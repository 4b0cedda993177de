using System.Text;
using System.Text.Json;
using Maas.Core.Batch;

namespace Maas.Core.Tests.Batch;

public sealed class BatchResultsTests
{
    [Fact]
    public void Add_AnsweredAndFailedLines_GoToOutputAndErrorsAsOpenAisBatchLines()
    {
        using var results = new BatchResults();

        results.Add("batch_1", new BatchLine(3, "a", 0, 0, "{}"), new BatchLineOutcome(200, """{"outputs":{"y":[1]}}"""u8.ToArray()));
        results.Add("batch_1", new BatchLine(4, "b", 0, 0, "{}"), new BatchLineOutcome(400, """{"error":"bad"}"""u8.ToArray()));

        Assert.Equal((1, 1), (results.Completed, results.Failed));
        var output = Encoding.UTF8.GetString(results.Output.Span);
        Assert.EndsWith("\n", output, StringComparison.Ordinal);
        using var line = JsonDocument.Parse(output);
        var root = line.RootElement;
        Assert.Equal("a", root.GetProperty("custom_id").GetString());
        Assert.Equal(200, root.GetProperty("response").GetProperty("status_code").GetInt32());
        Assert.Equal(1, root.GetProperty("response").GetProperty("body").GetProperty("outputs").GetProperty("y")[0].GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        Assert.Equal(BatchResults.RequestIdOf("batch_1", 3), root.GetProperty("id").GetString());
        using var error = JsonDocument.Parse(results.Errors);
        Assert.Equal(("b", 400, "bad"), (error.RootElement.GetProperty("custom_id").GetString(), error.RootElement.GetProperty("response").GetProperty("status_code").GetInt32(), error.RootElement.GetProperty("response").GetProperty("body").GetProperty("error").GetString()));
    }

    [Fact]
    public void RequestIdOf_SameBatchAndLine_IsTheSameIdAndOtherLinesDiffer()
    {
        Assert.Equal(BatchResults.RequestIdOf("batch_1", 7), BatchResults.RequestIdOf("batch_1", 7));
        Assert.NotEqual(BatchResults.RequestIdOf("batch_1", 7), BatchResults.RequestIdOf("batch_1", 8));
        Assert.NotEqual(BatchResults.RequestIdOf("batch_1", 7), BatchResults.RequestIdOf("batch_2", 7));
        Assert.Matches("^batch_req_[0-9a-f]{32}$", BatchResults.RequestIdOf("batch_1", 7));
    }
}
