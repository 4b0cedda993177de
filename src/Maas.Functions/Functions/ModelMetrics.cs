using Maas.Core.Monitoring.Query;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Monitoring rollups of a model: <c>GET /models/{name}/metrics?grain=minute|hour&amp;from=&amp;to=&amp;version=&amp;caller=</c>.</summary>
public sealed class ModelMetrics(MetricsQuery metrics)
{
    [Function(nameof(ModelMetrics))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/metrics")] HttpRequest request, string name)
        => new OkObjectResult(await metrics.GetAsync(
            name,
            request.Query["grain"].FirstOrDefault(),
            request.Query["from"].FirstOrDefault(),
            request.Query["to"].FirstOrDefault(),
            request.Query["version"].FirstOrDefault(),
            request.Query["caller"].FirstOrDefault(),
            request.HttpContext.RequestAborted));
}
