using Maas.Core.Protocol;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;

namespace Maas.Functions.Http;

/// <summary>Translates between ASP.NET Core requests and the data plane's prediction call.</summary>
internal static class PredictionHttp
{
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
