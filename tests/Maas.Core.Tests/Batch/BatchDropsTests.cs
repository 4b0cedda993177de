using System.Text.Json;
using Maas.Core.Batch;
using Maas.TestKit.Azurite;
using Maas.TestKit.Batch;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Batch;

[Collection(UsesAzurite.Name)]
public sealed class BatchDropsTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("fraud/2026-12-07.jsonl", "fraud", "fraud/2026-12-07.output.jsonl", "fraud/2026-12-07.errors.jsonl")]
    [InlineData("fraud/nightly/run.jsonl", "fraud", "fraud/nightly/run.output.jsonl", "fraud/nightly/run.errors.jsonl")]
    public void Parse_InputUnderAModelFolder_NamesTheModelAndTheResultsBesideIt(string path, string model, string output, string errors)
        => Assert.Equal((model, new BatchDrop(path, output, errors)), BatchDrops.Parse(path));

    [Theory]
    [InlineData("fraud/a.output.jsonl")]
    [InlineData("fraud/a.errors.jsonl")]
    [InlineData("fraud/a.batch.json")]
    [InlineData("fraud/a.csv")]
    [InlineData("a.jsonl")]
    [InlineData("Fraud!/a.jsonl")]
    [InlineData("fraud/.jsonl")]
    public void Parse_ResultsSidecarsAndOtherBlobs_AreNotInputs(string path) => Assert.Null(BatchDrops.Parse(path));

    [Fact]
    public async Task SubmitAsync_DroppedFileWithoutSidecar_RunsAgainstTheModelsPredictAndWritesBesideIt()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var drop = await batches.DropContainerAsync();
        await drop.UploadBlobAsync($"{model}/nightly.jsonl", BinaryData.FromString(
            BatchOrchestrationTests.PredictLine(model, "ok", [1, 2, 3, 4]) + "\n" + BatchOrchestrationTests.PredictLine(model, "bad", [1, 2]) + "\n"));

        var submitted = await batches.Drops.SubmitAsync(batches.Durable, $"{model}/nightly.jsonl", CancellationToken.None);
        var batch = await batches.WaitAsync(submitted!.Id);

        Assert.Equal(BatchStatus.Completed, batch.Status);
        Assert.Equal($"/models/{model}/predict", batch.Endpoint);
        Assert.Equal(new BatchCounts(2, 1, 1), batch.Counts);
        var output = (await drop.GetBlobClient($"{model}/nightly.output.jsonl").DownloadContentAsync()).Value.Content.ToString();
        var errors = (await drop.GetBlobClient($"{model}/nightly.errors.jsonl").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal("ok", JsonDocument.Parse(output).RootElement.GetProperty("custom_id").GetString());
        Assert.Equal(400, JsonDocument.Parse(errors).RootElement.GetProperty("response").GetProperty("status_code").GetInt32());
        Assert.Null(await batches.Drops.SubmitAsync(batches.Durable, $"{model}/nightly.output.jsonl", CancellationToken.None));
    }

    [Fact]
    public async Task SubmitAsync_SidecarNamingAnEndpoint_RunsAgainstItAndABadSidecarStartsNothing()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var drop = await batches.DropContainerAsync();
        await drop.UploadBlobAsync($"{model}/v2.batch.json", BinaryData.FromString($$$"""{"endpoint": "/v2/models/{{{model}}}/infer"}"""));
        await drop.UploadBlobAsync($"{model}/v2.jsonl", BinaryData.FromString(BatchOrchestrationTests.InferLine(model, "a", [1, 2, 3, 4])));
        await drop.UploadBlobAsync($"{model}/bad.batch.json", BinaryData.FromString("""{"endpoint": "/v1/responses"}"""));
        await drop.UploadBlobAsync($"{model}/bad.jsonl", BinaryData.FromString(BatchOrchestrationTests.InferLine(model, "a", [1, 2, 3, 4])));

        var submitted = await batches.Drops.SubmitAsync(batches.Durable, $"{model}/v2.jsonl", CancellationToken.None);
        var refused = await batches.Drops.SubmitAsync(batches.Durable, $"{model}/bad.jsonl", CancellationToken.None);

        Assert.Equal(new BatchCounts(1, 1, 0), (await batches.WaitAsync(submitted!.Id)).Counts);
        Assert.Null(refused);
        Assert.Contains(serving.Registry.Logs.Entries, e => e.Message.Contains("sidecar", StringComparison.Ordinal) && e.Message.Contains("bad.jsonl", StringComparison.Ordinal));
    }
}
