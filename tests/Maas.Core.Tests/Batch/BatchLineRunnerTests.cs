using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Maas.Core.Batch;
using Maas.Core.Serving;
using Maas.TestKit.Azurite;
using Maas.TestKit.Batch;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Batch;

/// <summary>A chunk's lines through the data plane without HTTP: concatenated runs, per-line answers in each endpoint's shapes, and the lines' measurements.</summary>
[Collection(UsesAzurite.Name)]
public sealed class BatchLineRunnerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunAsync_SingleRowLinesOfABatchingModel_RunInConcatenatedCallsOfAtMostMaxBatchSizeRows()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear(), """{"maxBatchSize": 8}""");
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var rows = IrisShaped.Rows(20);
        var lines = rows.Select((row, i) => Line(i, BatchOrchestrationTests.PredictLine(model, $"row-{i}", row))).ToList();
        var batchSizes = new List<long>();
        var batchLines = 0;
        using var listener = Listen(model, (instrument, value, source) =>
        {
            if (instrument == "maas.prediction.batch_size")
            {
                lock (batchSizes)
                {
                    batchSizes.Add(value);
                }
            }
            else if (instrument == "maas.predictions" && source == "batch")
            {
                Interlocked.Increment(ref batchLines);
            }
        });

        var outcomes = await Runner(serving, batches).RunAsync(Batch($"/models/{model}/predict"), lines, CancellationToken.None);

        Assert.All(outcomes, outcome => Assert.Equal(200, outcome.StatusCode));
        for (var i = 0; i < rows.Length; i++)
        {
            using var body = JsonDocument.Parse(outcomes[i].Body);
            Assert.Equal(TestModels.LinearExpected(rows[i]), body.RootElement.GetProperty("outputs").GetProperty("y")[0].EnumerateArray().Select(v => v.GetSingle()), new ToleranceComparer(1e-5f));
        }

        // 20 lines of one row in runs of 8, 8 and 4 rows: each line measured with the rows its run held.
        Assert.Equal([8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4], batchSizes);
        Assert.Equal(20, batchLines);
    }

    [Fact]
    public async Task RunAsync_LinesTheModelRefuses_EachAnswered400InItsEndpointsShapeWhileTheOthersRun()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear(), """{"maxBatchSize": 8}""");
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var runner = Runner(serving, batches);

        var simple = await runner.RunAsync(
            Batch($"/models/{model}/predict"),
            [Line(0, BatchOrchestrationTests.PredictLine(model, "good", [1, 2, 3, 4])), Line(1, $$"""{"input": [[1, 2]]}""")],
            CancellationToken.None);
        var v2 = await runner.RunAsync(
            Batch($"/v2/models/{model}/infer"),
            [Line(0, """{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3]}]}"""), Line(1, BatchOrchestrationTests.InferLine(model, "good", [1, 2, 3, 4]))],
            CancellationToken.None);

        Assert.Equal([200, 400], simple.Select(o => o.StatusCode));
        using (var problem = JsonDocument.Parse(simple[1].Body))
        {
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            Assert.Equal("Bad Request", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains("'x'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal([400, 200], v2.Select(o => o.StatusCode));
        using var error = JsonDocument.Parse(v2[0].Body);
        Assert.Contains("element", error.RootElement.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RunAsync_ModelThatDoesNotExist_EveryLineAnswered404()
    {
        using var serving = new ServingHarness(azurite);
        await using var batches = await BatchHarness.StartAsync(serving, azurite);

        var outcomes = await Runner(serving, batches).RunAsync(Batch("/models/nosuchmodel/predict"), [Line(0, """{"input": [[1]]}"""), Line(1, """{"input": [[2]]}""")], CancellationToken.None);

        Assert.Equal([404, 404], outcomes.Select(o => o.StatusCode));
        Assert.Contains("nosuchmodel", Encoding.UTF8.GetString(outcomes[0].Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ModelWithRequiredRoles_LinesRunAsTheBatchsCallerWithItsRoles()
    {
        using var serving = new ServingHarness(azurite);
        var model = await serving.AddModelAsync(TestModels.Linear(), """{"requiredRoles": ["Fraud.Read"]}""");
        await using var batches = await BatchHarness.StartAsync(serving, azurite);
        var runner = Runner(serving, batches);
        var line = Line(0, BatchOrchestrationTests.PredictLine(model, "a", [1, 2, 3, 4]));
        var without = new Caller("app-1", "oid-1", new HashSet<string> { "Models.Predict" }, new HashSet<string>());
        var with = new Caller("app-1", "oid-1", new HashSet<string> { "Models.Predict", "Fraud.Read" }, new HashSet<string>());

        var refused = await runner.RunAsync(Batch($"/models/{model}/predict") with { Caller = BatchOwner.Keep(without) }, [line], CancellationToken.None);
        var allowed = await runner.RunAsync(Batch($"/models/{model}/predict") with { Caller = BatchOwner.Keep(with) }, [line], CancellationToken.None);

        Assert.Equal(403, refused[0].StatusCode);
        Assert.Equal(200, allowed[0].StatusCode);
    }

    private static BatchLineRunner Runner(ServingHarness serving, BatchHarness batches)
        => new(serving.Inference, serving.Sessions, new BatchProtocols(serving.Simple, serving.V2), serving.OpenAi, serving.Metrics, Microsoft.Extensions.Options.Options.Create(batches.Options), TimeProvider.System, serving.Registry.Logs.CreateLogger<BatchLineRunner>());

    private static BatchRecord Batch(string endpoint) => new()
    {
        Id = "batch_test",
        Owner = BatchHarness.Owner,
        Caller = BatchOwner.Keep(Caller.AuthDisabled),
        Endpoint = endpoint,
        InputFileId = "file-test",
        CreatedAt = DateTimeOffset.UtcNow,
        ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
    };

    /// <summary>A line whose body is the JSONL line's body (or the given body itself when it is not a whole line).</summary>
    private static BatchLine Line(int index, string lineOrBody)
    {
        using var document = JsonDocument.Parse(lineOrBody);
        var body = document.RootElement.TryGetProperty("body", out var inner) ? inner.GetRawText() : lineOrBody;
        return new BatchLine(index + 1, $"line-{index}", 0, 0, body);
    }

    /// <summary>Listens to the <c>Maas</c> meter's long instruments for measurements tagged with <paramref name="model"/>.</summary>
    private static MeterListener Listen(string model, Action<string, long, string?> measured)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Maas")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? taggedModel = null;
            string? source = null;
            foreach (var tag in tags)
            {
                (taggedModel, source) = tag.Key switch
                {
                    "model" => ((string?)tag.Value, source),
                    "source" => (taggedModel, (string?)tag.Value),
                    _ => (taggedModel, source),
                };
            }

            if (taggedModel == model)
            {
                measured(instrument.Name, value, source);
            }
        });
        listener.Start();
        return listener;
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
