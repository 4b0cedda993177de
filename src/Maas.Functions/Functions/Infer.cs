using Maas.Core.Protocol.V2;
using Maas.Core.Serving;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Open Inference Protocol V2 inference: <c>POST /v2/models/{name}[/versions/{version}]/infer</c>, JSON or binary tensor data.</summary>
public sealed class Infer(InferenceService inference, V2InferenceProtocol protocol)
{
    [Function(nameof(Infer))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/infer")] HttpRequest request,
        string name)
        => inference.PredictAsync(protocol, request, name, version: null);

    [Function(nameof(InferVersion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> InferVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/versions/{version}/infer")] HttpRequest request,
        string name,
        string version)
        => inference.PredictAsync(protocol, request, name, version);
}
