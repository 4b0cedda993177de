using Maas.Core.Protocol;
using Maas.Core.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Read-only management API over the registry, and the V2 repository index.</summary>
public sealed class ModelManagement(ModelRepository repository)
{
    [Function(nameof(ListModels))]
    public async Task<IActionResult> ListModels([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request)
    {
        var rows = await repository.ListAllAsync(request.HttpContext.RequestAborted);
        return new OkObjectResult(rows.GroupBy(row => row.Name).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => ModelView.From(group.Key, [.. group], withVersions: false)));
    }

    [Function(nameof(GetModel))]
    public async Task<IActionResult> GetModel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}")] HttpRequest request, string name)
        => new OkObjectResult(ModelView.From(name, await repository.GetModelAsync(name, request.HttpContext.RequestAborted), withVersions: true));

    [Function(nameof(GetModelVersion))]
    public async Task<IActionResult> GetModelVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version)
        => new OkObjectResult(ModelVersionView.From(await repository.GetVersionAsync(name, version, request.HttpContext.RequestAborted)));

    [Function(nameof(RepositoryIndex))]
    public async Task<IActionResult> RepositoryIndex([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/repository/index")] HttpRequest request)
    {
        var rows = await repository.ListAllAsync(request.HttpContext.RequestAborted);
        return new OkObjectResult(rows.OrderBy(row => row.Name, StringComparer.Ordinal).ThenBy(row => row.Version).Select(RepositoryIndexEntry.From));
    }
}
