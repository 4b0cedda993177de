using Maas.Core.Protocol.V2;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Maas.Functions.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>
/// The V2 generate extension, as Triton has it: <c>POST /v2/models/{name}[/versions/{version}]/generate</c> (one JSON
/// answer) and <c>/generate_stream</c> (server-sent events), for text-generation models.
/// </summary>
public sealed class Generate(V2Generate generate)
{
    [Function(nameof(Generate))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/generate")] HttpRequest request, string name)
        => RunAsync(request, name, version: null, stream: false);

    [Function(nameof(GenerateVersion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> GenerateVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/versions/{version}/generate")] HttpRequest request,
        string name,
        string version)
        => RunAsync(request, name, version, stream: false);

    [Function(nameof(GenerateStream))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> GenerateStream([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/generate_stream")] HttpRequest request, string name)
        => RunAsync(request, name, version: null, stream: true);

    [Function(nameof(GenerateStreamVersion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> GenerateStreamVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v2/models/{name}/versions/{version}/generate_stream")] HttpRequest request,
        string name,
        string version)
        => RunAsync(request, name, version, stream: true);

    private async Task<IActionResult> RunAsync(HttpRequest request, string name, string? version, bool stream)
    {
        var http = request.HttpContext;
        var measurement = PredictionRecordingMiddleware.MeasurementOf(http, name);
        using var generation = await generate.GenerateAsync(request.WireOf(), name, version, stream, AuthMiddleware.CallerOf(http), measurement, http.RequestAborted);
        await generation.WriteAsync(http, error => V2Generate.ErrorEvent(error.Message));
        return new EmptyResult();
    }
}
