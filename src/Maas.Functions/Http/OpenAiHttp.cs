using Maas.Core.Errors;
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
        using var completion = await openAi.CompleteAsync(request.WireOf(), chat, AuthMiddleware.CallerOf(http), measurement, http.RequestAborted);
        await completion.WriteAsync(http, error => OpenAiResponses.ErrorEvent(error.Message, ErrorBody.OpenAiTypeOf(ErrorResponses.StatusCodeFor(error.Kind)), error.Code));
        return new EmptyResult();
    }

    public static async Task<IActionResult> EmbedAsync(this OpenAiService openAi, HttpRequest request)
    {
        var http = request.HttpContext;
        var measurement = PredictionRecordingMiddleware.MeasurementOf(http, ModelOf(request));
        return new EncodedResponseResult(await openAi.EmbedAsync(request.WireOf(), AuthMiddleware.CallerOf(http), measurement, http.RequestAborted));
    }

    /// <summary>What the measurement names before the body is read (the body names the model; the data plane fills it in).</summary>
    private static string ModelOf(HttpRequest request) => request.Path.Value ?? "v1";
}
