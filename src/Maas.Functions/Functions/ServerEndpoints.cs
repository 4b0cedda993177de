using Maas.Core.Health;
using Maas.Core.Inference;
using Maas.Core.Serving;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Open Inference Protocol V2 server endpoints: metadata and health. Anonymous: the status code is the answer.</summary>
public sealed class ServerEndpoints(DependencyHealth health, SessionCache sessions, SessionPrewarmer prewarmer)
{
    [Function(nameof(ServerMetadata))]
    [AllowAnonymous]
    public IActionResult ServerMetadata([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2")] HttpRequest request)
        => new OkObjectResult(new
        {
            name = Core.Protocol.V2.ServerMetadata.Current.Name,
            version = Core.Protocol.V2.ServerMetadata.Current.Version,
            extensions = Core.Protocol.V2.ServerMetadata.Current.Extensions,
        });

    [Function(nameof(ServerLive))]
    [AllowAnonymous]
    public IActionResult ServerLive([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/live")] HttpRequest request)
        => new OkResult();

    /// <summary>
    /// 200 while this instance can serve: storage answers, or it does not but sessions are cached here (they keep
    /// serving); 503 when storage fails and nothing is cached, and while a starting instance is still prewarming its
    /// busiest models (at most <c>Inference:PrewarmTimeout</c>). The body names degraded dependencies either way.
    /// </summary>
    [Function(nameof(ServerReady))]
    [AllowAnonymous]
    public IActionResult ServerReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/ready")] HttpRequest request)
    {
        var readiness = Readiness.Of(health.Degraded, sessions.CachedCount, prewarming: !prewarmer.IsSettled);
        return new ObjectResult(new { ready = readiness.Ready, degraded = readiness.Degraded, cachedModels = readiness.CachedModels, prewarming = readiness.Prewarming })
        {
            StatusCode = readiness.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable,
        };
    }
}
