using Maas.Core.Catalog;
using Maas.Core.Protocol.V2;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Open Inference Protocol V2 model metadata and readiness: <c>GET /v2/models/{name}[/versions/{v}][/ready]</c>.</summary>
public sealed class ModelMetadata(ModelCatalog catalog)
{
    [Function(nameof(ModelMetadata))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}")] HttpRequest request, string name)
        => new OkObjectResult(V2ModelMetadata.From(await catalog.GetServedAsync(name, version: null, request.HttpContext.RequestAborted)));

    [Function(nameof(ModelVersionMetadata))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ModelVersionMetadata(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version)
        => new OkObjectResult(V2ModelMetadata.From(await catalog.GetServedAsync(name, version, request.HttpContext.RequestAborted)));

    [Function(nameof(ModelReady))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ModelReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/ready")] HttpRequest request, string name)
        => new OkObjectResult(V2ModelReady.Loaded(await catalog.LoadAsync(name, version: null, request.HttpContext.RequestAborted)));

    [Function(nameof(ModelVersionReady))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ModelVersionReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/versions/{version}/ready")] HttpRequest request,
        string name,
        string version)
        => new OkObjectResult(V2ModelReady.Loaded(await catalog.LoadAsync(name, version, request.HttpContext.RequestAborted)));
}
