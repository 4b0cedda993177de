using Maas.Core.Rollout;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>A model's canary / shadow rollout, its versions' live figures beside the gates, and its decisions: <c>GET /models/{name}/rollout</c>.</summary>
public sealed class ModelRollout(RolloutQuery rollouts)
{
    [Function(nameof(ModelRollout))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/rollout")] HttpRequest request, string name)
        => new OkObjectResult(await rollouts.GetAsync(name, request.HttpContext.RequestAborted));
}
