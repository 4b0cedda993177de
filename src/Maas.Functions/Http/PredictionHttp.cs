using Maas.Core.Protocol;
using Maas.Core.Serving;
using Maas.Functions.Auth;
using Maas.Functions.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Http;

/// <summary>Hands an HTTP prediction request to <see cref="PredictionPipeline"/> with its caller and measurement, and the encoded response back as a result.</summary>
internal static class PredictionHttp
{
    public static async Task<IActionResult> PredictAsync(this InferenceService inference, IInferenceProtocol protocol, HttpRequest request, string name, string? version)
    {
        var http = request.HttpContext;
        var caller = AuthMiddleware.CallerOf(http);
        var measurement = PredictionRecordingMiddleware.MeasurementOf(http, name);
        return new EncodedResponseResult(await inference.RunAsync(protocol, request.WireOf(), name, version, caller, measurement, http.RequestAborted));
    }

    /// <summary>What a protocol reads of an HTTP request: content type, announced length, headers and the body.</summary>
    public static WireRequest WireOf(this HttpRequest request) => new(
        request.ContentType,
        request.ContentLength,
        header => request.Headers.TryGetValue(header, out var value) ? value.ToString() : null,
        request.Body);
}
