using System.Net;
using System.Net.Http.Headers;
using Maas.Core.Serving;
using Maas.TestKit.Azurite;
using Maas.TestKit.Hosting;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Functions.Tests.Hosting;

/// <summary>
/// The HTTP edge as callers reach it on Azure: through the Functions host, which forwards each request to the worker's
/// Kestrel server with YARP (<see cref="FunctionsHostForwarder"/>), streaming the body.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class HostForwardingTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private const int MaxRequestBytes = 1024 * 1024;

    /// <summary>Far more than loopback socket buffers hold, so the host is still sending when the worker answers.</summary>
    private const int BodyBytes = 32 * MaxRequestBytes;

    private readonly ServingHarness _serving = new(azurite, limits: new LimitsOptions { MaxRequestBytes = MaxRequestBytes });
    private LoopbackApp? _app;
    private FunctionsHostForwarder? _host;
    private HttpClient? _client;

    public async Task InitializeAsync()
    {
        _app = await LoopbackApp.StartAsync(_serving);
        _host = await FunctionsHostForwarder.StartAsync(_app.BaseAddress);
        _client = new HttpClient { BaseAddress = _host.BaseAddress };
    }

    public static TheoryData<string, string, bool> OversizedBodies => new()
    {
        { "/v2/models/{0}/infer", "application/octet-stream", true },
        { "/v2/models/{0}/infer", "application/json", false },
        { "/models/{0}/predict", "application/json", true },
        { "/models/{0}/predict", "application/json", false },
    };

    /// <summary>A body far over the limit (more than socket buffers hold), announced or chunked, reaches the caller as a 413 naming the limit, not as the host's empty 500.</summary>
    [Theory]
    [MemberData(nameof(OversizedBodies))]
    public async Task Post_BodyOverTheLimitThroughTheHost_Is413NamingTheLimit(string path, string contentType, bool announced)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        using var content = new StreamContent(new MemoryStream(new byte[BodyBytes]));
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, name)) { Content = content };
        if (announced)
        {
            content.Headers.ContentLength = BodyBytes;
        }
        else
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await _client!.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)response.StatusCode} ({_host!.LastError}): {body}");
        Assert.Contains($"at most {MaxRequestBytes} bytes are accepted (Limits:MaxRequestBytes)", body, StringComparison.Ordinal);
    }

    /// <summary>After a refused body the host's connection to the worker still serves the next call.</summary>
    [Fact]
    public async Task Post_CallAfterARefusedBody_IsAnswered()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        using (var refused = await _client!.PostAsync($"/models/{name}/predict", new ByteArrayContent(new byte[BodyBytes]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        }

        using var answered = await _client.PostAsync($"/models/{name}/predict", new StringContent("""{"input":[[1,2,3,4]]}""", MediaTypeHeaderValue.Parse("application/json")));

        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _client?.Dispose();
        _serving.Dispose();
    }
}
