using Maas.Core.Inference;
using Maas.Core.Protocol;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Open Inference Protocol V2 inference: <c>POST /v2/models/{name}[/versions/{version}]/infer</c>, JSON or binary tensor data.</summary>
public sealed class Infer(InferenceService inference)
{
    [Function(nameof(Infer))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/infer")] HttpRequest request,
        string name)
        => RunAsync(request, name, version: null);

    [Function(nameof(InferVersion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> InferVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/versions/{version}/infer")] HttpRequest request,
        string name,
        string version)
        => RunAsync(request, name, version);

    private Task<IActionResult> RunAsync(HttpRequest request, string name, string? version)
        => inference.PredictAsync(request, name, version, V2InferenceProtocol.Instance);
}
