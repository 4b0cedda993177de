using System.Net;
using Maas.Core.Protocol;
using Maas.Core.Serving;
using Maas.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Tests.Hosting;

/// <summary>The worker's real Kestrel server on a loopback port: bodies up to Limits:MaxRequestBytes arrive whole.</summary>
public sealed class HttpServerServiceCollectionExtensionsTests
{
    /// <summary>Over Kestrel's own default limit (30,000,000 bytes), under Limits:MaxRequestBytes' default (64 MiB).</summary>
    private const int BodyBytes = 40_000_000;

    [Fact]
    public async Task AddRequestBodyLimit_BodyOverKestrelsDefaultUnderTheLimit_IsReadWhole()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        using var response = await client.PostAsync("/read", new ByteArrayContent(new byte[BodyBytes]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(BodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Kestrel takes what the Functions host forwards (100 MB by default) so a body over Limits:MaxRequestBytes is read to its end and answered 413.</summary>
    [Theory]
    [InlineData(67_108_864, 104_857_600, 104_857_600)]
    [InlineData(209_715_200, 104_857_600, 209_715_200)]
    public async Task AddRequestBodyLimit_KestrelLimit_IsTheLargerOfOursAndTheHosts(int maxRequestBytes, long hostMaxRequestBytes, long expected)
    {
        await using var app = await StartAsync(new LimitsOptions { MaxRequestBytes = maxRequestBytes, HostMaxRequestBytes = hostMaxRequestBytes });

        var kestrel = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value;

        Assert.Equal(expected, kestrel.Limits.MaxRequestBodySize);
    }

    [Fact]
    public void LimitsOptions_HostMaxRequestBytes_DefaultsToTheFunctionsHostsLimit()
        => Assert.Equal(100L * 1024 * 1024, new LimitsOptions().HostMaxRequestBytes);

    /// <summary>A loopback app whose one endpoint reads the body the way the protocols do.</summary>
    private static async Task<WebApplication> StartAsync(LimitsOptions? limits = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(Options.Create(limits ?? new LimitsOptions()));
        builder.Services.AddRequestBodyLimit();
        var app = builder.Build();
        app.MapPost("/read", async (HttpRequest request, IOptions<LimitsOptions> limits) =>
        {
            using var body = await RequestBody.ReadAsync(request.Body, request.ContentLength, limits.Value.MaxRequestBytes, request.HttpContext.RequestAborted);
            return Results.Text(body.WrittenCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        await app.StartAsync();
        return app;
    }
}
