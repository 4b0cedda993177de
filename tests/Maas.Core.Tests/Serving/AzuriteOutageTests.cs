using System.Text;
using Maas.Core.Errors;
using Maas.Core.Health;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Serving;

/// <summary>
/// The real thing: an Azurite of this test's own is stopped (or frozen) mid-traffic and started again. Loaded models keep
/// answering throughout; registration, monitoring and health pick up once storage is back.
/// </summary>
public sealed class AzuriteOutageTests : IAsyncLifetime, IDisposable
{
    private const string LinearRequest = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""";

    /// <summary>The lookup budget while Azurite is down or frozen.</summary>
    private static readonly TimeSpan OutageBudget = TimeSpan.FromMilliseconds(500);

    private readonly AzuriteFixture _azurite = AzuriteFixture.Persistent();
    private ServingHarness _serving = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _serving = new ServingHarness(_azurite);
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _serving?.Dispose();
        _azurite.Dispose();
    }

    [Fact]
    public async Task Predict_AzuriteStoppedMidTrafficThenRestarted_LoadedModelAnswersThroughoutAndEverythingResumes()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await PredictAsync(name, "1");

        using (_serving.Registry.LookupBudget(OutageBudget))
        {
            _azurite.Stop();
            for (var call = 0; call < 3; call++)
            {
                await PredictAsync(name, "1");
            }

            Assert.Contains(_serving.Registry.Health.Degraded, d => d.Dependency == DependencyHealth.Storage);
            var unknown = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async("not-loaded-here", Encoding.UTF8.GetBytes(LinearRequest)));
            Assert.Equal(ErrorKind.Unavailable, unknown.Kind);
            await Assert.ThrowsAnyAsync<Exception>(() => _serving.Metrics.FlushAsync(CancellationToken.None));
        }

        await _azurite.RestartAsync();
        await _serving.Metrics.FlushAsync(CancellationToken.None);
        await _serving.AddVersionAsync(name, TestModels.Linear(), version: 2);
        await PredictAsync(name, "2");
        Assert.Empty(_serving.Registry.Health.Degraded);
    }

    [Fact]
    public async Task Predict_AzuriteFrozen_LoadedModelAnswersWithinTheLookupBudget()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await PredictAsync(name, "1");

        using (_serving.Registry.LookupBudget(OutageBudget))
        {
            _azurite.Freeze();
            try
            {
                await PredictAsync(name, "1");
                await PredictAsync(name, "1");
            }
            finally
            {
                _azurite.Thaw();
            }
        }

        Assert.Contains(_serving.Registry.Health.Degraded, d => d.Dependency == DependencyHealth.Storage);
    }

    private async Task PredictAsync(string name, string expectedVersion)
    {
        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(LinearRequest));
        using var json = ResponseReader.Json(response);
        Assert.Equal(expectedVersion, json.RootElement.GetProperty("model_version").GetString());
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4]), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }
}
