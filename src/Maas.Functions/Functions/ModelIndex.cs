using Maas.Core.Catalog;
using Maas.Core.Protocol.V2;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>The index of models and versions the registry serves: the read-only management API (<c>/models</c>) and the V2 repository index.</summary>
public sealed class ModelIndex(ModelCatalog catalog)
{
    [Function(nameof(ListModels))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ListModels([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request)
        => new OkObjectResult(await catalog.ListAsync(request.HttpContext.RequestAborted));

    [Function(nameof(GetModel))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetModel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}")] HttpRequest request, string name)
        => new OkObjectResult(await catalog.GetModelAsync(name, request.HttpContext.RequestAborted));

    [Function(nameof(GetModelVersion))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetModelVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version)
        => new OkObjectResult(await catalog.GetVersionAsync(name, version, request.HttpContext.RequestAborted));

    [Function(nameof(GetModelEvaluations))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetModelEvaluations([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/evaluations")] HttpRequest request, string name)
        => new OkObjectResult(await catalog.CompareEvaluationsAsync(name, request.HttpContext.RequestAborted));

    [Function(nameof(GetModelVersionEvaluation))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetModelVersionEvaluation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/versions/{version}/evaluation")] HttpRequest request,
        string name,
        string version)
        => new FileContentResult((await catalog.GetEvaluationReportAsync(name, version, request.HttpContext.RequestAborted)).ToArray(), "application/json");

    [Function(nameof(RepositoryIndex))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> RepositoryIndex([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/repository/index")] HttpRequest request)
        => new OkObjectResult((await catalog.ListVersionsAsync(request.HttpContext.RequestAborted)).Select(RepositoryIndexEntry.From));
}
