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

    [Fact]
    public async Task AddRequestBodyLimit_KestrelLimit_FollowsLimitsMaxRequestBytes()
    {
        await using var app = await StartAsync();

        var kestrel = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value;

        Assert.Equal(new LimitsOptions().MaxRequestBytes, kestrel.Limits.MaxRequestBodySize);
    }

    /// <summary>A loopback app whose one endpoint reads the body the way the protocols do.</summary>
    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddOptions<LimitsOptions>();
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
