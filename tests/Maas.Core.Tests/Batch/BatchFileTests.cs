using System.Text;
using Maas.Core.Batch;

namespace Maas.Core.Tests.Batch;

public sealed class BatchFileTests
{
    private static readonly BatchEndpoint Predict = BatchEndpoint.Parse("/models/iris/predict")!;

    private static string Line(string id, string url = "/models/iris/predict", string body = """{"input": [[1, 2, 3, 4]]}""")
        => $$"""{"custom_id": "{{id}}", "method": "POST", "url": "{{url}}", "body": {{body}}}""";

    private static BatchFileReading Read(string content, int maxLines = 1000) => BatchFile.Read(Encoding.UTF8.GetBytes(content), Predict, maxLines);

    [Fact]
    public void Read_GoodFile_GivesEachLineWithItsNumberOffsetAndBody()
    {
        var first = Line("a");
        var content = first + "\r\n\n" + Line("b", body: """{"input": [[5, 6, 7, 8]]}""") + "\n";

        var reading = Read(content);

        Assert.True(reading.IsValid);
        Assert.Equal([("a", 1, 0L), ("b", 3, first.Length + 3L)], reading.Lines.Select(l => (l.CustomId, l.Line, l.Offset)));
        Assert.Equal("""{"input": [[5, 6, 7, 8]]}""", reading.Lines[1].Body);
        Assert.Equal(first.Length, reading.Lines[0].Length);
    }

    [Fact]
    public void Read_BrokenLines_NamesEachByNumberAndWhatIsWrong()
    {
        var content = string.Join('\n',
            Line("a"),
            "not json",
            Line("a"),
            Line("c", url: "/models/other/predict"),
            """{"custom_id": "d", "method": "GET", "url": "/models/iris/predict", "body": {}}""",
            """{"custom_id": "e", "method": "POST", "url": "/models/iris/predict"}""",
            """["an", "array"]""",
            Line("h"));

        var reading = Read(content);

        Assert.False(reading.IsValid);
        Assert.Equal(
            [(2, "invalid_json_line"), (3, "duplicate_custom_id"), (4, "mismatched_url"), (5, "invalid_method"), (6, "missing_required_parameter"), (7, "invalid_json_line")],
            reading.Errors.Select(e => (e.Line, e.Code)));
        Assert.Equal("The line's url must be the batch's endpoint, /models/iris/predict.", reading.Errors[2].Message);
        Assert.Equal(["a", "h"], reading.Lines.Select(l => l.CustomId));
    }

    [Fact]
    public void Read_MoreErrorsThanListed_ListsTheFirstAndCountsTheRest()
    {
        var reading = Read(string.Join('\n', Enumerable.Repeat("nope", BatchFile.MaxErrors + 5)));

        Assert.Equal(BatchFile.MaxErrors + 1, reading.Errors.Count);
        Assert.Equal("5 more lines have errors; the first 100 are listed.", reading.Errors[^1].Message);
    }

    [Fact]
    public void Read_EmptyOrOverTheLineLimit_FailsSayingSo()
    {
        Assert.Equal("empty_file", Assert.Single(Read("\n \n").Errors).Code);
        Assert.Equal("too_many_lines", Assert.Single(Read(string.Join('\n', Line("a"), Line("b"), Line("c")), maxLines: 2).Errors).Code);
    }
}
