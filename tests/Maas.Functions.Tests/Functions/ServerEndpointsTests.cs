using System.Text.Json;
using Maas.Core.Health;
using Maas.Functions.Functions;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Tests.Functions;

[Collection(UsesAzurite.Name)]
public sealed class ServerEndpointsTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    private ServerEndpoints Endpoints => new(_serving.Registry.Health, _serving.Sessions, _serving.Prewarmer(_serving.Sessions, new Maas.Core.Inference.InferenceOptions { PrewarmModels = 0 }));

    [Fact]
    public void ServerMetadata_AdvertisesBinaryTensorDataAndModelRepository()
    {
        var result = Assert.IsType<OkObjectResult>(Endpoints.ServerMetadata(new DefaultHttpContext().Request));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(result.Value));
        Assert.Equal("maas-functions", json.RootElement.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("version").GetString()));
        var extensions = json.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("model_repository", extensions);
    }

    [Fact]
    public void Health_StorageAnswering_LiveAndReadyAnswer200()
    {
        Assert.Equal(StatusCodes.Status200OK, Assert.IsType<OkResult>(Endpoints.ServerLive(new DefaultHttpContext().Request)).StatusCode);
        var ready = Assert.IsType<ObjectResult>(Endpoints.ServerReady(new DefaultHttpContext().Request));
        Assert.Equal(StatusCodes.Status200OK, ready.StatusCode);
        Assert.Empty(Body(ready).GetProperty("degraded").EnumerateArray());
    }

    [Fact]
    public async Task ServerReady_StorageFailingWithModelsCached_Is200NamingStorage()
    {
        var model = await _serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), TestModels.Linear());
        using (await _serving.Sessions.AcquireAsync(model, CancellationToken.None))
        {
        }

        _serving.Registry.Health.ReportFailure(DependencyHealth.Storage, "registry lookup");
        var ready = Assert.IsType<ObjectResult>(Endpoints.ServerReady(new DefaultHttpContext().Request));

        Assert.Equal(StatusCodes.Status200OK, ready.StatusCode);
        var degraded = Assert.Single(Body(ready).GetProperty("degraded").EnumerateArray());
        Assert.Equal("storage", degraded.GetProperty("Dependency").GetString());
        Assert.Equal(StatusCodes.Status200OK, Assert.IsType<OkResult>(Endpoints.ServerLive(new DefaultHttpContext().Request)).StatusCode);
    }

    [Fact]
    public void ServerReady_StorageFailingAndNothingCached_Is503NamingStorage()
    {
        _serving.Registry.Health.ReportFailure(DependencyHealth.Storage, "registry lookup");

        var ready = Assert.IsType<ObjectResult>(Endpoints.ServerReady(new DefaultHttpContext().Request));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, ready.StatusCode);
        Assert.False(Body(ready).GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task ServerReady_WhilePrewarming_Is503UntilDoneOrTimedOut()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new Maas.Core.Inference.InferenceOptions { PrewarmModels = 2, PrewarmTimeout = TimeSpan.FromSeconds(30) };
        var waiting = _serving.Prewarmer(_serving.Sessions, options, clock);
        var timedOut = _serving.Prewarmer(_serving.Sessions, options, clock);
        var done = _serving.Prewarmer(_serving.Sessions, options, clock);

        var whileWaiting = Assert.IsType<ObjectResult>(new ServerEndpoints(_serving.Registry.Health, _serving.Sessions, waiting).ServerReady(new DefaultHttpContext().Request));
        await done.PrewarmAsync(CancellationToken.None);
        var afterDone = Assert.IsType<ObjectResult>(new ServerEndpoints(_serving.Registry.Health, _serving.Sessions, done).ServerReady(new DefaultHttpContext().Request));
        clock.Advance(TimeSpan.FromSeconds(30));
        var afterTimeout = Assert.IsType<ObjectResult>(new ServerEndpoints(_serving.Registry.Health, _serving.Sessions, timedOut).ServerReady(new DefaultHttpContext().Request));

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, whileWaiting.StatusCode);
        Assert.True(Body(whileWaiting).GetProperty("prewarming").GetBoolean());
        Assert.Equal(StatusCodes.Status200OK, afterDone.StatusCode);
        Assert.Equal(StatusCodes.Status200OK, afterTimeout.StatusCode);
        Assert.False(Body(afterTimeout).GetProperty("prewarming").GetBoolean());
    }

    public void Dispose() => _serving.Dispose();

    private static JsonElement Body(ObjectResult result) => JsonDocument.Parse(JsonSerializer.Serialize(result.Value)).RootElement;
}
