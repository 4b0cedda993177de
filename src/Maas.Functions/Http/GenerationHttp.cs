using Maas.Core.Errors;
using Maas.Core.Protocol;
using Microsoft.AspNetCore.Http;

namespace Maas.Functions.Http;

/// <summary>
/// Writes a generation's answer: a JSON body, or server-sent events flushed one by one (the host's forwarder passes
/// each on as it comes), with the answering version in <c>x-maas-model-version</c>. A stream that fails after it
/// started ends with the protocol's error event; a caller who goes away stops its generation.
/// </summary>
internal static class GenerationHttp
{
    public static async Task WriteAsync(this GenerationResponse generation, HttpContext http, Func<MaasException, byte[]> errorEvent)
    {
        var response = http.Response;
        var (name, version) = ResponseHeaders.ModelVersionOf(generation.Model);
        response.Headers[name] = version;
        if (generation.Body is { } body)
        {
            response.ContentType = body.ContentType;
            response.ContentLength = body.Body.Length;
            await response.Body.WriteAsync(body.Body, http.RequestAborted);
            return;
        }

        response.ContentType = ServerSentEvents.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await foreach (var chunk in generation.Events!.WithCancellation(http.RequestAborted))
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
            await response.Body.WriteAsync(errorEvent(error));
        }
    }
}
