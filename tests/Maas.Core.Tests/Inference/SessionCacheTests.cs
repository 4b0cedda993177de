using System.Text;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Inference;

/// <summary>The session cache on real sessions: single flight, eviction with leases, stale SHA, execution provider choice.</summary>
[Collection(UsesAzurite.Name)]
public sealed class SessionCacheTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly byte[] LinearRequest = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"""u8.ToArray();

    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task AcquireAsync_32ParallelFirstRequests_LoadTheSessionOnce()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => _serving.InferV2Async(name, LinearRequest))));

        Assert.Equal(1, _serving.LoadCount(name));
        Assert.All(responses, response =>
        {
            using var json = ResponseReader.Json(response);
            Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4]), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
            response.Dispose();
        });
    }

    [Fact]
    public async Task AcquireAsync_OverByteBudget_EvictsLeastRecentlyUsedWithoutBreakingItsRun()
    {
        using var serving = new ServingHarness(azurite, new InferenceOptions { MaxCachedModelBytes = 1 });
        var first = await serving.AddVersionAsync(RegistryHarness.NewModelName(), TestModels.Linear());
        var second = await serving.AddVersionAsync(RegistryHarness.NewModelName(), TestModels.Linear());

        using var held = await serving.Sessions.AcquireAsync(first, CancellationToken.None);
        using (await serving.Sessions.AcquireAsync(second, CancellationToken.None))
        {
            // The first session has been evicted from the cache, but its lease still runs on it.
            Assert.Equal(1, serving.Sessions.CachedCount);
            Assert.Null(serving.Sessions.LoadedProviderOf(first.Name, first.Version));
            using var request = ModelRunner.ZeroRequest(first.Inputs, first.Outputs);
            using var result = ModelRunner.Run(held.Loaded, request, CancellationToken.None);
            Assert.Equal(TestModels.LinearBias, result[0].GetTensorDataAsSpan<float>().ToArray());
        }

        Assert.Equal(second.SizeBytes, serving.Sessions.CachedBytes);
    }

    [Fact]
    public async Task AcquireAsync_CountCap_KeepsOnlyTheMostRecentModels()
    {
        using var serving = new ServingHarness(azurite, new InferenceOptions { MaxCachedModels = 2 });
        var models = new List<ModelVersionRecord>();
        for (var i = 0; i < 4; i++)
        {
            models.Add(await serving.AddVersionAsync(RegistryHarness.NewModelName(), TestModels.Linear()));
            using var lease = await serving.Sessions.AcquireAsync(models[^1], CancellationToken.None);
        }

        Assert.Equal(2, serving.Sessions.CachedCount);
        Assert.Equal([null, null, SessionLoader.CpuProvider, SessionLoader.CpuProvider], models.Select(m => serving.Sessions.LoadedProviderOf(m.Name, m.Version)));
    }

    [Fact]
    public async Task InferAsync_GraphReplacedAndReRegistered_LoadsTheNewShaAndServesIt()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        using (await _serving.InferV2Async(name, LinearRequest))
        {
        }

        await _serving.AddVersionAsync(name, TestModels.Identity(Onnx.TensorProto.Types.DataType.Float));
        using var response = await _serving.InferV2Async(name, LinearRequest);

        Assert.Equal(2, _serving.LoadCount(name));
        using var json = ResponseReader.Json(response);
        Assert.Equal([1f, 2f, 3f, 4f], ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")));
        Assert.Equal(1, _serving.Sessions.CachedCount);
    }

    [Fact]
    public async Task AcquireAsync_StaleLookupOfTheOldRow_DoesNotRetireTheNewSession()
    {
        var name = RegistryHarness.NewModelName();
        var old = await _serving.AddVersionAsync(name, TestModels.Linear());
        var current = await _serving.AddVersionAsync(name, TestModels.Identity(Onnx.TensorProto.Types.DataType.Float));
        using (await _serving.Sessions.AcquireAsync(current, CancellationToken.None))
        {
        }

        var stale = await Assert.ThrowsAsync<Errors.MaasException>(() => _serving.Sessions.AcquireAsync(old, CancellationToken.None));
        using var again = await _serving.Sessions.AcquireAsync(current, CancellationToken.None);

        Assert.Equal(Errors.ErrorKind.NotReady, stale.Kind);
        Assert.False(again.ColdLoad);
        Assert.Equal(1, _serving.LoadCount(name));
        Assert.DoesNotContain(_serving.Registry.Logs.Entries, e => e.Message.Contains("retiring the old session", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InferAsync_GraphReplacedButNotYetReRegistered_IsConflictNamingTheChange()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.Registry.UploadAsync($"{name}/1/model.onnx", TestModels.LinearFixedBatch());

        var error = await Assert.ThrowsAsync<Errors.MaasException>(() => _serving.InferV2Async(name, LinearRequest));

        Assert.Equal(Errors.ErrorKind.NotReady, error.Kind);
        Assert.Contains("model.onnx changed since it was registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcquireAsync_AutoProviderWithoutCuda_FallsBackToCpuWithAWarning()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"executionProvider":"auto"}""");

        using var response = await _serving.InferV2Async(name, LinearRequest);

        Assert.Equal(SessionLoader.CpuProvider, _serving.Sessions.LoadedProviderOf(name, 1));
        Assert.Contains(_serving.Registry.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("asked for CUDA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AcquireAsync_ExternalWeights_LoadsThemFromTheVersionFolder()
    {
        var name = RegistryHarness.NewModelName();
        var builder = TestModels.LinearWithExternalWeights();
        var graph = builder.ToBytes();
        foreach (var (location, bytes) in builder.ExternalFiles)
        {
            await _serving.Registry.UploadAsync($"{name}/1/{location}", bytes);
        }

        await _serving.AddVersionAsync(name, graph);
        using var response = await _serving.InferV2Async(name, LinearRequest);

        using var json = ResponseReader.Json(response);
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4]), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task AcquireAsync_WarmupInConfig_RunsOnceAtLoadWithoutWarnings()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"warmup":true}""");

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[0,0,0,0]}]}"""));

        Assert.Equal(1, _serving.LoadCount(name));
        Assert.DoesNotContain(_serving.Registry.Logs.Entries, e => e.Message.Contains("Warm-up", StringComparison.Ordinal));
    }

    public void Dispose() => _serving.Dispose();
}
