using System.Text;
using Maas.Core.Errors;
using Maas.Core.Health;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Maas.TestKit.Storage;

namespace Maas.Core.Tests.Serving;

/// <summary>A loaded model keeps answering while storage fails or hangs; what is not known here gets a 503 naming storage.</summary>
[Collection(UsesAzurite.Name)]
public sealed class StorageOutageTests(AzuriteFixture azurite) : IDisposable
{
    private const string LinearRequest = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""";

    /// <summary>The lookup budget while storage fails.</summary>
    private static readonly TimeSpan OutageBudget = TimeSpan.FromMilliseconds(300);

    private readonly StorageFaultPolicy _faults = new() { Mode = StorageFault.None, Applies = StorageFaultPolicy.Reads };
    private ServingHarness? _serving;

    [Theory]
    [InlineData(StorageFault.Unavailable)]
    [InlineData(StorageFault.ConnectionRefused)]
    [InlineData(StorageFault.Hang)]
    public async Task Predict_LoadedModelWhileRegistryLookupsFail_KeepsAnsweringFromTheLastRowsRead(StorageFault fault)
    {
        var serving = Serving();
        var name = await serving.AddModelAsync(TestModels.Linear());
        using (await serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest)))
        {
        }

        using var budget = serving.Registry.LookupBudget(OutageBudget);
        _faults.Mode = fault;
        for (var call = 0; call < 3; call++)
        {
            using var response = await serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest));
            Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4]), ResponseReader.Floats(ResponseReader.Output(ResponseReader.Json(response), "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
        }

        Assert.True(_faults.Injected >= 3);
        Assert.Single(serving.Registry.Logs.Entries, e => e.Message.Contains($"Registry lookup of model {name} failed", StringComparison.Ordinal));
        Assert.Equal(DependencyHealth.Storage, Assert.Single(serving.Registry.Health.Degraded).Dependency);
    }

    [Theory]
    [InlineData(StorageFault.Unavailable)]
    [InlineData(StorageFault.Hang)]
    public async Task Predict_ModelNotKnownHereWhileStorageFails_IsUnavailableNamingStorageWithRetryAfter(StorageFault fault)
    {
        var serving = Serving();
        var name = await serving.AddModelAsync(TestModels.Linear());
        using var budget = serving.Registry.LookupBudget(OutageBudget);
        _faults.Mode = fault;

        var error = await Assert.ThrowsAsync<MaasException>(() => serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest)));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains("registry in storage could not be read", error.Message, StringComparison.Ordinal);
        Assert.Contains("Registry:LookupTimeout", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.RetryAfter);
    }

    [Fact]
    public async Task Predict_StaleServeLimitPassed_IsUnavailable()
    {
        var serving = Serving(registry => registry.StaleServeLimit = TimeSpan.Zero);
        var name = await serving.AddModelAsync(TestModels.Linear());
        using (await serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest)))
        {
        }

        using var budget = serving.Registry.LookupBudget(OutageBudget);
        _faults.Mode = StorageFault.Unavailable;

        var error = await Assert.ThrowsAsync<MaasException>(() => serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest)));
        Assert.Equal(ErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public async Task Predict_StorageAnswersAgain_SeesNewRowsAndHealthRecovers()
    {
        var serving = Serving();
        var name = await serving.AddModelAsync(TestModels.Linear());
        using (await serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest)))
        {
        }

        using (serving.Registry.LookupBudget(OutageBudget))
        {
            _faults.Mode = StorageFault.Unavailable;
            using (await serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest)))
            {
            }
        }

        _faults.Mode = StorageFault.None;
        await serving.AddVersionAsync(name, TestModels.Linear(), version: 2);
        using var response = await serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest));

        Assert.Equal("2", ResponseReader.Json(response).RootElement.GetProperty("model_version").GetString());
        Assert.Empty(serving.Registry.Health.Degraded);
    }

    public void Dispose() => _serving?.Dispose();

    private ServingHarness Serving(Action<RegistryOptions>? registry = null)
        => _serving = new ServingHarness(azurite, tableFaults: _faults, registry: registry);
}
