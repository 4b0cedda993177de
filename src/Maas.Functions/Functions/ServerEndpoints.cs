using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Open Inference Protocol V2 server endpoints: metadata and health. Anonymous: the status code is the answer.</summary>
public sealed class ServerEndpoints
{
    [Function(nameof(ServerMetadata))]
    public IActionResult ServerMetadata([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2")] HttpRequest request)
        => new OkObjectResult(new
        {
            name = Core.Protocol.ServerMetadata.Current.Name,
            version = Core.Protocol.ServerMetadata.Current.Version,
            extensions = Core.Protocol.ServerMetadata.Current.Extensions,
        });

    [Function(nameof(ServerLive))]
    public IActionResult ServerLive([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/live")] HttpRequest request)
        => new OkResult();

    [Function(nameof(ServerReady))]
    public IActionResult ServerReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/health/ready")] HttpRequest request)
        => new OkResult();
}
