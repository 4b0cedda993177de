using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Cli.Input;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;

namespace Maas.Cli.Tests.Commands;

/// <summary><c>maas batch</c> against the app's Batch API, its batches run by the Durable Task SDK's in-process test host.</summary>
[Collection(UsesAzurite.Name)]
public sealed class BatchCommandTests(AzuriteFixture azurite)
{
    private static readonly float[][] Rows = [[5.1f, 3.5f, 1.4f, 0.2f], [6.2f, 2.9f, 4.3f, 1.3f], [7.7f, 3.0f, 6.1f, 2.3f]];

    [Fact]
    public async Task FromCsvSubmitWaitDownload_IrisCsv_EveryRowScoredAsTheModelComputes()
    {
        await using var cli = await CliSession.StartAsync(azurite, batches: true);
        var name = await cli.Serving.AddModelAsync(TestModels.Linear());
        var csv = Path.Combine(cli.WorkFolder, "data.csv");
        await File.WriteAllTextAsync(csv, "sepal_length,sepal_width,petal_length,petal_width\n" + string.Join('\n', Rows.Select(r => string.Join(',', r.Select(v => v.ToString(CultureInfo.InvariantCulture))))) + "\n");

        var converted = (await cli.RunAsync("batch", "from-csv", csv, "--model", name)).Succeeded();
        var submitted = (await cli.RunAsync("batch", "submit", Path.Combine(cli.WorkFolder, "data.jsonl"), "--wait", "--poll", "00:00:00.05", "--json")).Succeeded();
        var id = (string)submitted.Json["id"]!;
        var listed = (await cli.RunAsync("batch", "ls")).Succeeded();
        var downloaded = (await cli.RunAsync("batch", "download", id, "--output", cli.WorkFolder)).Succeeded();

        Assert.Contains($"3 lines for /models/{name}/predict", converted.Output, StringComparison.Ordinal);
        Assert.Equal("completed", (string?)submitted.Json["status"]);
        Assert.Contains("3 completed, 0 failed of 3", submitted.Error, StringComparison.Ordinal);
        Assert.Contains(id, listed.Output, StringComparison.Ordinal);
        Assert.Contains($"{id}.output.jsonl", downloaded.Output, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(Path.Combine(cli.WorkFolder, $"{id}.output.jsonl"));
        Assert.Equal(["row-1", "row-2", "row-3"], lines.Select(l => (string?)JsonNode.Parse(l)!["custom_id"]));
        for (var i = 0; i < Rows.Length; i++)
        {
            var y = JsonNode.Parse(lines[i])!["response"]!["body"]!["outputs"]!["y"]![0]!.AsArray().Select(v => (float)v!).ToArray();
            var expected = TestModels.LinearExpected(Rows[i]);
            Assert.All(y.Zip(expected), pair => Assert.Equal(pair.Second, pair.First, 1e-4f));
        }
    }

    [Fact]
    public async Task Cancel_BatchThatEnded_FailsWithTheServicesConflict()
    {
        await using var cli = await CliSession.StartAsync(azurite, batches: true);
        var name = await cli.Serving.AddModelAsync(TestModels.Linear());
        var jsonl = Path.Combine(cli.WorkFolder, "in.jsonl");
        await File.WriteAllTextAsync(jsonl, $$$"""{"custom_id": "a", "method": "POST", "url": "/models/{{{name}}}/predict", "body": {"input": [[1, 2, 3, 4]]}}""" + "\n");
        var id = (string)(await cli.RunAsync("batch", "submit", jsonl, "--wait", "--poll", "00:00:00.05", "--json")).Succeeded().Json["id"]!;

        var cancel = await cli.RunAsync("batch", "cancel", id);
        var show = (await cli.RunAsync("batch", "show", id)).Succeeded();

        Assert.NotEqual(0, cancel.ExitCode);
        Assert.Contains("answered 409", cancel.Error, StringComparison.Ordinal);
        Assert.Contains("only a validating or in-progress batch can be cancelled", cancel.Error, StringComparison.Ordinal);
        Assert.Contains("completed: 1 completed, 0 failed of 1", show.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromCsv_ColumnsThatAreNotTheModelsInputs_FailsNamingBoth()
    {
        await using var cli = await CliSession.StartAsync(azurite, batches: true);
        var name = await cli.Serving.AddModelAsync(TestModels.Linear());
        var csv = Path.Combine(cli.WorkFolder, "data.csv");
        await File.WriteAllTextAsync(csv, "a,b\n1,2\n");

        var result = await cli.RunAsync("batch", "from-csv", csv, "--model", name);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("(a, b) are neither the model's inputs (x) nor the features of one input of width 2", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1,2,3", new[] { "1", "2", "3" })]
    [InlineData("\"a,b\",\"say \"\"hi\"\"\",", new[] { "a,b", "say \"hi\"", "" })]
    [InlineData("x\r", new[] { "x" })]
    public void Split_CsvLine_FollowsRfc4180(string line, string[] cells) => Assert.Equal(cells, CsvBatch.Split(line));

    [Fact]
    public async Task WriteAsync_ColumnsNamingInputs_EachColumnIsOneInputAndCustomIdNamesTheLine()
    {
        var folder = Directory.CreateTempSubdirectory("maas-csv-");
        try
        {
            var csv = Path.Combine(folder.FullName, "d.csv");
            await File.WriteAllTextAsync(csv, "custom_id,age,city\nalice,31,Paris\n", Encoding.UTF8);
            var inputs = JsonNode.Parse("""[{"name": "age", "datatype": "FP32", "shape": [-1, 1]}, {"name": "city", "datatype": "BYTES", "shape": [-1]}]""")!.AsArray();

            var count = await CsvBatch.WriteAsync(csv, Path.Combine(folder.FullName, "d.jsonl"), "/models/m/predict", inputs, CancellationToken.None);

            Assert.Equal(1, count);
            Assert.Equal(
                """{"custom_id":"alice","method":"POST","url":"/models/m/predict","body":{"inputs":{"age":[[31]],"city":["Paris"]}}}""",
                (await File.ReadAllLinesAsync(Path.Combine(folder.FullName, "d.jsonl")))[0]);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
