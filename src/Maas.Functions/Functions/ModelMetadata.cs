using Maas.Core.Protocol;
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
        => new OkObjectResult(await catalog.GetV2MetadataAsync(name, version: null, request.HttpContext.RequestAborted));

    [Function(nameof(ModelVersionMetadata))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ModelVersionMetadata(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version)
        => new OkObjectResult(await catalog.GetV2MetadataAsync(name, version, request.HttpContext.RequestAborted));

    [Function(nameof(ModelReady))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ModelReady([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/ready")] HttpRequest request, string name)
        => new OkObjectResult(await catalog.CheckReadyAsync(name, version: null, request.HttpContext.RequestAborted));

    [Function(nameof(ModelVersionReady))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ModelVersionReady(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v2/models/{name}/versions/{version}/ready")] HttpRequest request,
        string name,
        string version)
        => new OkObjectResult(await catalog.CheckReadyAsync(name, version, request.HttpContext.RequestAborted));
}
