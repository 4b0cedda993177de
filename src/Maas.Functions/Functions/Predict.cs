using Maas.Core.Inference;
using Maas.Core.Protocol;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>The simple JSON API: <c>POST /models/{name}[/versions/{version}]/predict</c> with nested arrays in and out.</summary>
public sealed class Predict(InferenceService inference)
{
    [Function(nameof(Predict))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/predict")] HttpRequest request,
        string name)
        => RunAsync(request, name, version: null);

    [Function(nameof(PredictVersion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> PredictVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/versions/{version}/predict")] HttpRequest request,
        string name,
        string version)
        => RunAsync(request, name, version);

    private Task<IActionResult> RunAsync(HttpRequest request, string name, string? version)
        => inference.PredictAsync(request, name, version, SimpleInferenceProtocol.Instance);
}
