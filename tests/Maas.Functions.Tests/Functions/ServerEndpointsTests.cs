using System.Text.Json;
using Maas.Functions.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Tests.Functions;

public sealed class ServerEndpointsTests
{
    private readonly ServerEndpoints _endpoints = new();

    [Fact]
    public void ServerMetadata_AdvertisesBinaryTensorDataAndModelRepository()
    {
        var result = Assert.IsType<OkObjectResult>(_endpoints.ServerMetadata(new DefaultHttpContext().Request));

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(result.Value));
        Assert.Equal("maas-functions", json.RootElement.GetProperty("name").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("version").GetString()));
        var extensions = json.RootElement.GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("binary_tensor_data", extensions);
        Assert.Contains("model_repository", extensions);
    }

    [Fact]
    public void Health_LiveAndReady_Answer200()
    {
        Assert.Equal(StatusCodes.Status200OK, Assert.IsType<OkResult>(_endpoints.ServerLive(new DefaultHttpContext().Request)).StatusCode);
        Assert.Equal(StatusCodes.Status200OK, Assert.IsType<OkResult>(_endpoints.ServerReady(new DefaultHttpContext().Request)).StatusCode);
    }
}
