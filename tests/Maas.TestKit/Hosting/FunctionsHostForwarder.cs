using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Maas.TestKit.Hosting;

/// <summary>
/// A loopback front end shaped like the Azure Functions host with the ASP.NET Core integration: its own Kestrel server
/// refuses bodies over the host's limit (<c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c>, 100 MB by default) and forwards every
/// request to the worker with YARP's <see cref="IHttpForwarder"/>, streaming the body, over a <see cref="SocketsHttpHandler"/>
/// set as the host sets it. When forwarding fails before the worker's response has started, the host's invocation fails:
/// the caller gets a 500 with an empty body. The real host cannot run here; this is the part of it a caller's request
/// goes through.
/// </summary>
public sealed class FunctionsHostForwarder : IAsyncDisposable
{
    /// <summary>The host's default body limit, <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c>.</summary>
    public const long HostMaxRequestBytes = 100 * 1024 * 1024;

    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _invoker;

    private FunctionsHostForwarder(WebApplication app, HttpMessageInvoker invoker)
    {
        _app = app;
        _invoker = invoker;
        BaseAddress = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri BaseAddress { get; }

    /// <summary>What the last failed forward ended with (<see cref="ForwarderError.None"/> while none failed).</summary>
    public ForwarderError LastError { get; private set; }

    /// <summary>Starts a front end on a free loopback port that forwards to <paramref name="worker"/>.</summary>
    public static async Task<FunctionsHostForwarder> StartAsync(Uri worker, long maxRequestBytes = HostMaxRequestBytes)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxRequestBytes).UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(240) };
        var destination = worker.ToString();
        FunctionsHostForwarder? self = null;
        app.Run(async http =>
        {
            var error = await http.RequestServices.GetRequiredService<IHttpForwarder>().SendAsync(http, destination, invoker, config);
            if (error != ForwarderError.None)
            {
                self!.LastError = error;
                if (!http.Response.HasStarted)
                {
                    // The host fails the invocation: a 500 with nothing in it.
                    http.Response.Clear();
                    http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                }
            }
        });
        await app.StartAsync();
        self = new FunctionsHostForwarder(app, invoker);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _invoker.Dispose();
    }
}
