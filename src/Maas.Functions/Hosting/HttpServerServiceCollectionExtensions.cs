using Maas.Core.Serving;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Hosting;

internal static class HttpServerServiceCollectionExtensions
{
    /// <summary>
    /// The worker's Kestrel server (ASP.NET Core integration) accepts bodies up to <c>Limits:MaxRequestBytes</c>, not its
    /// own 30 MB default: the protocols then answer 413 above the limit. (The Functions host in front has its own
    /// limit, <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c>, 100 MB by default.)
    /// </summary>
    public static IServiceCollection AddRequestBodyLimit(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxRequestBytes);
        return services;
    }
}
