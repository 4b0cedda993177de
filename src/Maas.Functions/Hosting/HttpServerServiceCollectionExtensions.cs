using Maas.Core.Serving;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Hosting;

internal static class HttpServerServiceCollectionExtensions
{
    /// <summary>
    /// The worker's Kestrel server (ASP.NET Core integration) accepts bodies up to the larger of <c>Limits:MaxRequestBytes</c>
    /// and the Functions host's limit (<c>Limits:HostMaxRequestBytes</c>), not its own 30 MB default. The protocols answer
    /// 413 above <c>Limits:MaxRequestBytes</c>; the rest of such a body is still read (by Kestrel, after the response) so
    /// the connection the host forwards it on stays whole and the 413 reaches the caller.
    /// </summary>
    public static IServiceCollection AddRequestBodyLimit(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = Math.Max(limits.Value.MaxRequestBytes, limits.Value.HostMaxRequestBytes));
        return services;
    }
}
