using Maas.Core.Inference;
using Maas.Core.Protocol;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Http;

/// <summary>Translates between ASP.NET Core requests and the data plane's prediction call.</summary>
internal static class PredictionHttp
{
    /// <summary>Runs a prediction of <paramref name="protocol"/> for the request and maps the encoded response to a result.</summary>
    public static async Task<IActionResult> PredictAsync(this InferenceService inference, HttpRequest request, string name, string? version, IInferenceProtocol protocol)
        => new EncodedResponseResult(await inference.InferAsync(request.ToPredictionCall(name, version), protocol, request.HttpContext.RequestAborted));

    public static PredictionCall ToPredictionCall(this HttpRequest request, string name, string? version)
        => new(
            name,
            version,
            request.ContentType,
            request.ContentLength,
            request.Headers.TryGetValue(V2InferenceProtocol.HeaderContentLengthName, out var header) ? header.ToString() : null,
            request.Body)
        {
            Caller = AuthenticationMiddleware.CallerOf(request.HttpContext),
        };
}
