using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Open Inference Protocol V2 server endpoints: metadata and health. Anonymous: the status code is the answer.</summary>
public sealed class ServerEndpoints
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

    [Function(nameof(ServerReady))]
    [AllowAnonymous]
    public IActionResult ServerReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/ready")] HttpRequest request)
        => new OkResult();
}
