using Maas.Core.Protocol.Simple;
using Maas.Core.Serving;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>The simple JSON API: <c>POST /models/{name}[/versions/{version}]/predict</c> with nested arrays in and out.</summary>
public sealed class Predict(InferenceService inference, SimpleInferenceProtocol protocol)
{
    [Function(nameof(Predict))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/predict")] HttpRequest request,
        string name)
        => inference.PredictAsync(protocol, request, name, version: null);

    [Function(nameof(PredictVersion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> PredictVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "models/{name}/versions/{version}/predict")] HttpRequest request,
        string name,
        string version)
        => inference.PredictAsync(protocol, request, name, version);
}
