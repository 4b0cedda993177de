using Maas.Core.Drift;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Hourly drift of a model version against its baseline: <c>GET /models/{name}/drift?version=&amp;from=&amp;to=</c>.</summary>
public sealed class ModelDrift(DriftQuery drift)
{
    [Function(nameof(ModelDrift))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/drift")] HttpRequest request, string name)
        => new OkObjectResult(await drift.GetAsync(
            name,
            request.Query["version"].FirstOrDefault(),
            request.Query["from"].FirstOrDefault(),
            request.Query["to"].FirstOrDefault(),
            request.HttpContext.RequestAborted));
}
