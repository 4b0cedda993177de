using Maas.Core.Protocol;
using Maas.Core.Protocol.OpenAI;
using Maas.Functions.Auth;
using Maas.Functions.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Http;

/// <summary>Hands an OpenAI-compatible request to <see cref="OpenAiService"/> with its caller and measurement, and writes what comes back (<see cref="GenerationHttp"/>).</summary>
internal static class OpenAiHttp
{
    public static async Task<IActionResult> CompleteAsync(this OpenAiService openAi, HttpRequest request, bool chat)
    {
        var http = request.HttpContext;
        var measurement = PredictionRecordingMiddleware.MeasurementOf(http, ModelOf(request));
        using var completion = await openAi.CompleteAsync(WireOf(request), chat, AuthMiddleware.CallerOf(http), measurement, http.RequestAborted);
        await completion.WriteAsync(http, error => OpenAiResponses.ErrorEvent(error.Message, ErrorResponses.OpenAiTypeOf(ErrorResponses.StatusCodeFor(error.Kind)), error.Code));
        return new EmptyResult();
    }

    public static async Task<IActionResult> EmbedAsync(this OpenAiService openAi, HttpRequest request)
    {
        var http = request.HttpContext;
        var measurement = PredictionRecordingMiddleware.MeasurementOf(http, ModelOf(request));
        return new EncodedResponseResult(await openAi.EmbedAsync(WireOf(request), AuthMiddleware.CallerOf(http), measurement, http.RequestAborted));
    }

    internal static WireRequest WireOf(HttpRequest request) => new(
        request.ContentType,
        request.ContentLength,
        header => request.Headers.TryGetValue(header, out var value) ? value.ToString() : null,
        request.Body);

    /// <summary>What the measurement names before the body is read (the body names the model; the data plane fills it in).</summary>
    private static string ModelOf(HttpRequest request) => request.Path.Value ?? "v1";
}
