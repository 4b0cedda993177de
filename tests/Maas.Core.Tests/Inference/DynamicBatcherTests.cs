using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Inference;

/// <summary>Dynamic batching on real sessions: requests merge, split back exactly, stay apart when they do not fit, and fail together.</summary>
[Collection(UsesAzurite.Name)]
public sealed class DynamicBatcherTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task RunAsync_ConcurrentRequests_RunAsOneBatchAndEachGetsItsOwnRows()
    {
        // The first request finds the model idle and runs at once, loading the session; the others arrive while it
        // loads, so they wait and leave together when they reach the preferred size.
        var model = await AddAsync(TestModels.Linear(), """{"maxBatchSize":8,"dynamicBatching":{"maxQueueDelayMs":1000,"preferredBatchSizes":[3]}}""");
        float[][] rows = [[1, 2, 3, 4], [0, 1, 0, 1], [-2, 0.5f, 8, 3], [9, 9, 9, 9]];

        var runs = await Task.WhenAll(rows.Select(row => _serving.Batcher.RunAsync(model, LinearRequest(row), CancellationToken.None)));

        Assert.Contains(runs, run => run.BatchRows == 3);
        for (var i = 0; i < rows.Length; i++)
        {
            using var result = runs[i].Result;
            Assert.Equal([1L, TestModels.LinearOutputs], result[0].GetTensorTypeAndShape().Shape);
            Assert.Equal(TestModels.LinearExpected(rows[i]), result[0].GetTensorDataAsSpan<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    [Fact]
    public async Task RunAsync_LoneRequestOnAnIdleModel_RunsAlone()
    {
        var model = await AddAsync(TestModels.Linear(), """{"maxBatchSize":8,"dynamicBatching":{"maxQueueDelayMs":20}}""");

        var run = await _serving.Batcher.RunAsync(model, LinearRequest([1, 2, 3, 4]), CancellationToken.None);

        using var result = run.Result;
        Assert.Equal(1, run.BatchRows);
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4]), result[0].GetTensorDataAsSpan<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task RunAsync_DifferentNonBatchDimensions_AreNotMerged()
    {
        var model = await AddAsync(TestModels.Identity(Onnx.TensorProto.Types.DataType.Float), """{"maxBatchSize":8,"dynamicBatching":{"maxQueueDelayMs":200}}""");

        var narrow = _serving.Batcher.RunAsync(model, FloatRequest("x", [1, 2], 1, 2), CancellationToken.None);
        var wide = _serving.Batcher.RunAsync(model, FloatRequest("x", [3, 4, 5], 1, 3), CancellationToken.None);
        var runs = await Task.WhenAll(narrow, wide);

        Assert.All(runs, run => Assert.Equal(1, run.BatchRows));
        Assert.Equal([1f, 2f], runs[0].Result[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal([3f, 4f, 5f], runs[1].Result[0].GetTensorDataAsSpan<float>().ToArray());
        Array.ForEach(runs, run => run.Result.Dispose());
    }

    [Fact]
    public async Task RunAsync_QueueFull_IsThrottledWithRetryAfter()
    {
        var model = await AddAsync(TestModels.Linear(), """{"maxBatchSize":1,"dynamicBatching":{"maxQueueDelayMs":1000,"maxQueueSize":1}}""");

        // The first runs wait for the session to load from storage; meanwhile a burst overflows the one-slot queue.
        var calls = Enumerable.Range(0, 50).Select(_ => Capture(() => _serving.Batcher.RunAsync(model, LinearRequest([1, 2, 3, 4]), CancellationToken.None))).ToList();
        var outcomes = await Task.WhenAll(calls);

        var throttled = outcomes.OfType<MaasException>().Where(e => e.Kind == ErrorKind.Throttled).ToList();
        Assert.NotEmpty(throttled);
        Assert.All(throttled, e => Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter));
        Assert.Contains(outcomes, o => o is BatchedRun);
        foreach (var run in outcomes.OfType<BatchedRun>())
        {
            run.Result.Dispose();
        }
    }

    [Fact]
    public async Task RunTogetherOrAlone_OutputsDoNotKeepTheBatchRows_EachRequestRunsAloneAndGetsItsOwnAnswer()
    {
        // Two 2-row requests regroup into one 4-wide row each; batched, 4 rows become 2 and cannot be split back.
        var model = await AddAsync(TestModels.RowRegrouping(), """{"maxBatchSize":4,"dynamicBatching":{"maxQueueDelayMs":5}}""");
        using var lease = await _serving.Sessions.AcquireAsync(model, CancellationToken.None);
        InferenceRequest[] requests = [FloatRequest("x", [1, 2, 3, 4], 2, 2), FloatRequest("x", [5, 6, 7, 8], 2, 2)];

        var outcomes = BatchQueue.RunTogetherOrAlone(lease, requests);

        using var first = outcomes[0].Result!;
        using var second = outcomes[1].Result!;
        Assert.Equal([1L, 4L], first[0].GetTensorTypeAndShape().Shape);
        Assert.Equal([1f, 2f, 3f, 4f], first[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal([5f, 6f, 7f, 8f], second[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.All(outcomes, outcome => Assert.Equal(2, outcome.BatchRows));
        Array.ForEach(requests, request => request.Dispose());
    }

    [Fact]
    public async Task Register_BatchingOnAGraphWhoseOutputTheServingSessionKnowsIsOneRow_FailsNamingIt()
    {
        // RowSum declares y with a symbolic first dimension; the serving session infers [1,2], so batching cannot work.
        var name = RegistryHarness.NewModelName();
        await _serving.Registry.UploadAsync($"{name}/config.json", Encoding.UTF8.GetBytes("""{"maxBatchSize":4,"dynamicBatching":{"maxQueueDelayMs":5}}"""));
        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/model.onnx", TestModels.RowSum());

        var row = await _serving.Registry.RowAsync(name, 1);

        Assert.Equal(ModelStatus.Failed, row!.Status);
        Assert.Contains("output 'y' is float[1,2]", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_OneBadRequestAmongGoodOnes_FailsAloneBeforeQueueing()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"maxBatchSize":8,"dynamicBatching":{"maxQueueDelayMs":50}}""");
        string[] bodies =
        [
            """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""",
            """{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[1,2,3]}]}""",
            """{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[0,0,0,0,1,1,1,1]}]}""",
        ];

        var outcomes = await Task.WhenAll(bodies.Select(body => Capture(() => _serving.InferV2Async(name, Encoding.UTF8.GetBytes(body)))));

        Assert.Equal(ErrorKind.InvalidInput, Assert.IsType<MaasException>(outcomes[1]).Kind);
        using var first = Assert.IsType<Maas.Core.Protocol.EncodedResponse>(outcomes[0]);
        using var third = Assert.IsType<Maas.Core.Protocol.EncodedResponse>(outcomes[2]);
        using var json = ResponseReader.Json(third);
        Assert.Equal(TestModels.LinearExpected([0, 0, 0, 0, 1, 1, 1, 1]), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task RunTogetherOrAlone_TheGraphRejectsOneRequestOfTheBatch_OnlyThatRequestFails()
    {
        var model = await AddAsync(TestModels.Embedding(), """{"maxBatchSize":8,"dynamicBatching":{"maxQueueDelayMs":5}}""");
        using var lease = await _serving.Sessions.AcquireAsync(model, CancellationToken.None);
        InferenceRequest[] requests = [IdsRequest(1, 2), IdsRequest(0, TestModels.EmbeddingVocabulary + 5), IdsRequest(3, 0)];

        var outcomes = BatchQueue.RunTogetherOrAlone(lease, requests);

        var error = Assert.IsType<MaasException>(outcomes[1].Error);
        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains($"Model '{model.Name}' version 1 rejected the input while running", error.Message, StringComparison.Ordinal);
        Assert.Contains("out of data bounds", error.Message, StringComparison.Ordinal);
        using var first = outcomes[0].Result!;
        using var third = outcomes[2].Result!;
        Assert.Equal([1f, 10, 100, 2, 20, 200], first[0].GetTensorDataAsSpan<float>().ToArray());
        Assert.Equal([3f, 30, 300, 0, 0, 0], third[0].GetTensorDataAsSpan<float>().ToArray());
        Array.ForEach(requests, request => request.Dispose());
    }

    [Fact]
    public async Task RunTogetherOrAlone_CompatibleRequests_RunAsOneBatch()
    {
        var model = await AddAsync(TestModels.Embedding(), """{"maxBatchSize":8,"dynamicBatching":{"maxQueueDelayMs":5}}""");
        using var lease = await _serving.Sessions.AcquireAsync(model, CancellationToken.None);
        InferenceRequest[] requests = [IdsRequest(1, 2), IdsRequest(3, 0)];

        var outcomes = BatchQueue.RunTogetherOrAlone(lease, requests);

        Assert.All(outcomes, outcome => Assert.Equal(2, outcome.BatchRows));
        using var second = outcomes[1].Result!;
        Assert.Equal([1L, 2, TestModels.EmbeddingWidth], second[0].GetTensorTypeAndShape().Shape);
        Assert.Equal([3f, 30, 300, 0, 0, 0], second[0].GetTensorDataAsSpan<float>().ToArray());
        outcomes[0].Result!.Dispose();
        Array.ForEach(requests, request => request.Dispose());
    }

    [Fact]
    public async Task InferAsync_MoreRowsThanMaxBatchSize_IsBadRequest()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"maxBatchSize":1,"dynamicBatching":{"maxQueueDelayMs":5}}""");

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, """{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}"""u8.ToArray()));

        Assert.Contains("Input 'x' has 2 rows", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fixed batch")]
    [InlineData("non-tensor output")]
    public async Task Register_BatchingOnAModelWithoutAVariableBatchDimension_FailsNamingIt(string graph)
    {
        var name = RegistryHarness.NewModelName();
        await _serving.Registry.UploadAsync($"{name}/config.json", """{"maxBatchSize":4,"dynamicBatching":{"maxQueueDelayMs":5}}"""u8.ToArray());

        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/model.onnx", graph == "fixed batch" ? TestModels.LinearFixedBatch() : TestModels.Classifier());

        var row = await _serving.Registry.RowAsync(name, 1);
        Assert.Equal(ModelStatus.Failed, row!.Status);
        Assert.Contains(graph == "fixed batch" ? "input 'x' is float[1,4]" : "output 'probabilities'", row.Reason, StringComparison.Ordinal);
    }

    public void Dispose() => _serving.Dispose();

    private async Task<ModelVersionRecord> AddAsync(byte[] graph, string config) => await _serving.AddVersionAsync(RegistryHarness.NewModelName(), graph, config);

    /// <summary>One row of token ids for <see cref="TestModels.Embedding"/>.</summary>
    private static InferenceRequest IdsRequest(params long[] ids)
        => new(null, [new InputTensor("ids", TensorElementType.Int64, [1, ids.Length], MemoryMarshal.AsBytes(ids.AsSpan()).ToArray())], [new RequestedOutput("vectors", Binary: false)]);

    private static InferenceRequest LinearRequest(float[] row) => FloatRequest("x", row, 1, TestModels.LinearInputs, "y");

    private static InferenceRequest FloatRequest(string input, float[] data, long rows, long columns, string output = "y")
    {
        var bytes = MemoryMarshal.AsBytes(data.AsSpan()).ToArray();
        return new InferenceRequest(null, [new InputTensor(input, TensorElementType.Float, [rows, columns], bytes)], [new RequestedOutput(output, Binary: false)]);
    }

    /// <summary>The call's result or the exception it failed with.</summary>
    private static async Task<object> Capture<T>(Func<Task<T>> call)
    {
        try
        {
            return (await call())!;
        }
        catch (Exception error)
        {
            return error;
        }
    }
}
