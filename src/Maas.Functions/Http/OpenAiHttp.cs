using Maas.Core.Errors;
using Maas.Core.Protocol;
using Maas.Core.Protocol.OpenAI;
using Maas.Functions.Auth;
using Maas.Functions.Middleware;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Http;

/// <summary>
/// Hands an OpenAI-compatible request to <see cref="OpenAiService"/> with its caller and measurement, and writes what
/// comes back: a JSON body, or server-sent events flushed one by one (the host's forwarder passes each on as it comes).
/// A stream that fails after it started ends with an error event; a caller who goes away stops its generation.
/// </summary>
internal static class OpenAiHttp
{
    public static async Task<IActionResult> CompleteAsync(this OpenAiService openAi, HttpRequest request, bool chat)
    {
        var http = request.HttpContext;
        var measurement = PredictionRecordingMiddleware.MeasurementOf(http, ModelOf(request));
        using var completion = await openAi.CompleteAsync(WireOf(request), chat, AuthMiddleware.CallerOf(http), measurement, http.RequestAborted);
        var response = http.Response;
        response.Headers[OpenAiService.ModelVersionHeader] = completion.Model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (completion.Body is { } body)
        {
            response.ContentType = body.ContentType;
            response.ContentLength = body.Body.Length;
            await response.Body.WriteAsync(body.Body, http.RequestAborted);
            return new EmptyResult();
        }

        response.ContentType = OpenAiResponses.EventStream;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await foreach (var chunk in completion.Events!.WithCancellation(http.RequestAborted))
            {
                await response.Body.WriteAsync(chunk, http.RequestAborted);
                await response.Body.FlushAsync(http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The caller went away: its sequence has left the batch; nothing more to write.
        }
        catch (MaasException error)
        {
            await response.Body.WriteAsync(OpenAiResponses.ErrorEvent(error.Message, ErrorResponses.OpenAiTypeOf(ErrorResponses.StatusCodeFor(error.Kind)), error.Code));
        }

        return new EmptyResult();
    }

    public static async Task<IActionResult> EmbedAsync(this OpenAiService openAi, HttpRequest request)
    {
        var http = request.HttpContext;
        var measurement = PredictionRecordingMiddleware.MeasurementOf(http, ModelOf(request));
        return new EncodedResponseResult(await openAi.EmbedAsync(WireOf(request), AuthMiddleware.CallerOf(http), measurement, http.RequestAborted));
    }

    private static WireRequest WireOf(HttpRequest request) => new(
        request.ContentType,
        request.ContentLength,
        header => request.Headers.TryGetValue(header, out var value) ? value.ToString() : null,
        request.Body);

    /// <summary>What the measurement names before the body is read (the body names the model; the data plane fills it in).</summary>
    private static string ModelOf(HttpRequest request) => request.Path.Value ?? "v1";
}
