using System.Globalization;
using System.Text.Json;
using Maas.Core.Batch;
using Maas.TestKit.Azurite;
using Maas.TestKit.Batch;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Tests.Batch;

/// <summary>Whole batches through the app's orchestration and activities, on the Durable Task SDK's in-process test host, Azurite and ONNX Runtime.</summary>
[Collection(UsesAzurite.Name)]
public sealed class BatchOrchestrationTests(AzuriteFixture azurite)
{
    private const string BatchingConfig = """{"maxBatchSize": 64}""";

    [Fact]
    public async Task RunAsync_100kIrisShapedLines_EveryCustomIdOnceWithTheOutputsOfOnnxRuntime()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear(), BatchingConfig);
        await using var batches = await BatchHarness.StartAsync(serving, azurite, options => options.ChunkLines = 5_000);
        const int Lines = 100_000;
        var rows = IrisShaped.Rows(Lines);

        var batch = await batches.RunAsync($"/models/{model}/predict", Enumerable.Range(0, Lines).Select(i => PredictLine(model, $"row-{i}", rows[i])));

        Assert.Equal(BatchStatus.Completed, batch.Status);
        Assert.Equal(new BatchCounts(Lines, Lines, 0), batch.Counts);
        Assert.Null(batch.ErrorFileId);
        var output = await batches.ReadLinesAsync(batch.OutputFileId);
        Assert.Equal(Lines, output.Count);
        var answered = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var line in output)
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            Assert.Equal(200, root.GetProperty("response").GetProperty("status_code").GetInt32());
            var y = root.GetProperty("response").GetProperty("body").GetProperty("outputs").GetProperty("y")[0].EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.True(answered.TryAdd(root.GetProperty("custom_id").GetString()!, y), "a custom_id appears twice");
        }

        // Every row against ONNX Runtime run directly on the same graph, all rows in one call.
        using var session = new InferenceSession(TestModels.Linear());
        using var input = OrtValue.CreateTensorValueFromMemory(rows.SelectMany(r => r).ToArray(), [Lines, TestModels.LinearInputs]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, ["x"], [input], ["y"]);
        var expected = results[0].GetTensorDataAsSpan<float>().ToArray();
        for (var i = 0; i < Lines; i++)
        {
            Assert.Equal(expected.AsSpan(i * TestModels.LinearOutputs, TestModels.LinearOutputs).ToArray(), answered[$"row-{i}"]);
        }
    }

    [Fact]
    public async Task RunAsync_ThreePercentMalformedBodies_ThoseIn400sInTheErrorFileTheRestCompleted()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear(), BatchingConfig);
        await using var batches = await BatchHarness.StartAsync(serving, azurite, options => options.ChunkLines = 100);
        const int Lines = 1_000;
        var rows = IrisShaped.Rows(Lines);
        var malformed = Enumerable.Range(0, Lines).Where(i => i % 33 == 7).ToHashSet();
        var lines = Enumerable.Range(0, Lines).Select(i => malformed.Contains(i)
            ? $$$"""{"custom_id": "row-{{{i}}}", "method": "POST", "url": "/v2/models/{{{model}}}/infer", "body": {"inputs": [{"name": "x", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]}]}}"""
            : InferLine(model, $"row-{i}", rows[i]));

        var batch = await batches.RunAsync($"/v2/models/{model}/infer", lines);

        Assert.Equal(BatchStatus.Completed, batch.Status);
        Assert.Equal(new BatchCounts(Lines, Lines - malformed.Count, malformed.Count), batch.Counts);
        var errors = await batches.ReadLinesAsync(batch.ErrorFileId);
        Assert.Equal(malformed.Select(i => $"row-{i}").Order(StringComparer.Ordinal), errors.Select(CustomIdOf).Order(StringComparer.Ordinal));
        foreach (var line in errors)
        {
            using var document = JsonDocument.Parse(line);
            var response = document.RootElement.GetProperty("response");
            Assert.Equal(400, response.GetProperty("status_code").GetInt32());
            Assert.Contains("'x'", response.GetProperty("body").GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        var output = await batches.ReadLinesAsync(batch.OutputFileId);
        Assert.Equal(Lines - malformed.Count, output.Select(CustomIdOf).Distinct().Count());
        Assert.DoesNotContain(output.Select(CustomIdOf), id => malformed.Contains(int.Parse(id[4..], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task RunAsync_MalformedFile_FailsWithTheOffendingLinesNamedAndRunsNothing()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var endpoint = $"/models/{model}/predict";

        var batch = await batches.RunAsync(endpoint, [PredictLine(model, "a", [1, 2, 3, 4]), "{not json", PredictLine(model, "a", [1, 2, 3, 4]), $$$"""{"custom_id": "c", "method": "POST", "url": "/v1/embeddings", "body": {}}"""]);

        Assert.Equal(BatchStatus.Failed, batch.Status);
        Assert.NotNull(batch.FailedAt);
        Assert.Equal([(2, "invalid_json_line"), (3, "duplicate_custom_id"), (4, "mismatched_url")], batch.Errors.Select(e => (e.Line, e.Code)));
        Assert.Null(batch.OutputFileId);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileItsThirdChunkRuns_EndsCancelledWithTheChunksThatRan()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        string? batchId = null;
        BatchHarness? harness = null;
        await using var batches = harness = await BatchHarness.StartAsync(
            serving,
            azurite,
            options => (options.ChunkLines, options.MaxParallelChunks) = (10, 1),
            beforeChunk: async work =>
            {
                if (work.Chunk.Index == 2)
                {
                    await harness!.Jobs.CancelAsync(BatchHarness.Owner, work.Run.BatchId, CancellationToken.None);
                }
            });
        var submitted = await batches.SubmitAsync($"/models/{model}/predict", Enumerable.Range(0, 100).Select(i => PredictLine(model, $"row-{i}", [i, 1, 2, 3])));
        batchId = submitted.Id;

        var batch = await batches.WaitAsync(batchId);

        Assert.Equal(BatchStatus.Cancelled, batch.Status);
        Assert.NotNull(batch.CancellingAt);
        Assert.NotNull(batch.CancelledAt);
        Assert.Equal(new BatchCounts(100, 30, 0), batch.Counts);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"row-{i}"), (await batches.ReadLinesAsync(batch.OutputFileId)).Select(CustomIdOf));
    }

    [Fact]
    public async Task RunAsync_WindowClosedBeforeItsChunks_ExpiresWithWhatRan()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        await using var batches = await BatchHarness.StartAsync(serving, azurite, options => options.CompletionWindow = TimeSpan.Zero);

        var batch = await batches.RunAsync($"/models/{model}/predict", [PredictLine(model, "a", [1, 2, 3, 4])]);

        Assert.Equal(BatchStatus.Expired, batch.Status);
        Assert.NotNull(batch.ExpiredAt);
        Assert.Equal(new BatchCounts(1, 0, 0), batch.Counts);
        Assert.Null(batch.OutputFileId);
    }

    [Fact]
    public async Task RunChunkAsync_RunAgainAfterAnInstanceDied_TheOutputHoldsEachCustomIdOnce()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear());
        await using var batches = await BatchHarness.StartAsync(serving, azurite, options => options.ChunkLines = 4);
        var file = await batches.UploadAsync(Enumerable.Range(0, 10).Select(i => PredictLine(model, $"row-{i}", [i, 0, 0, 0])));
        var record = new BatchRecord
        {
            Id = batches.Store.NewId(),
            Owner = BatchHarness.Owner,
            Caller = BatchOwner.Keep(Maas.Core.Serving.Caller.AuthDisabled),
            Endpoint = $"/models/{model}/predict",
            InputFileId = file,
            CreatedAt = DateTimeOffset.UtcNow,
            ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
        };
        await batches.Store.CreateAsync(record, CancellationToken.None);
        var run = new BatchRun(record.Owner, record.Id);
        var plan = await batches.Activities.ValidateAsync(run, CancellationToken.None);
        Assert.Equal([4, 4, 2], plan.Chunks.Select(c => c.LineCount));

        // Chunk 1 runs twice (its first instance died after writing), the others once.
        foreach (var chunk in plan.Chunks.Append(plan.Chunks[1]))
        {
            await batches.Activities.RunChunkAsync(new BatchChunkWork(run, chunk), CancellationToken.None);
        }

        var ending = await batches.Activities.FinishAsync(new BatchFinish(run, [0, 1, 2], BatchStatus.Completed), CancellationToken.None);

        Assert.Equal(BatchStatus.Completed, ending);
        var done = (await batches.Store.GetAsync(record.Owner, record.Id, CancellationToken.None))!;
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"row-{i}"), (await batches.ReadLinesAsync(done.OutputFileId)).Select(CustomIdOf));

        // The ending run again (its first run's answer lost) changes nothing.
        Assert.Equal(BatchStatus.Completed, await batches.Activities.FinishAsync(new BatchFinish(run, [0, 1, 2], BatchStatus.Completed), CancellationToken.None));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"row-{i}"), (await batches.ReadLinesAsync(done.OutputFileId)).Select(CustomIdOf));
    }

    private static string CustomIdOf(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.GetProperty("custom_id").GetString()!;
    }

    internal static string PredictLine(string model, string customId, float[] row)
        => $$$"""{"custom_id": "{{{customId}}}", "method": "POST", "url": "/models/{{{model}}}/predict", "body": {"input": [[{{{Numbers(row)}}}]]}}""";

    internal static string InferLine(string model, string customId, float[] row)
        => $$$"""{"custom_id": "{{{customId}}}", "method": "POST", "url": "/v2/models/{{{model}}}/infer", "body": {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [{{{Numbers(row)}}}]}]}}""";

    private static string Numbers(float[] row) => string.Join(", ", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}
