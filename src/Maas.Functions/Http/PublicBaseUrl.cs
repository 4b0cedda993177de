using Microsoft.AspNetCore.Http;

namespace Maas.Functions.Http;

/// <summary>
/// The app's base URL as the caller reached it, for documents that must name it absolutely (OpenAPI <c>servers</c>). On
/// Azure the request reaches the worker through the front end and the Functions host, which say where it came from in
/// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c>; the first value of each is the caller's.
/// </summary>
internal static class PublicBaseUrl
{
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";

    /// <summary>The base URL (ending in <c>/</c>), or null when the request names no host.</summary>
    public static Uri? Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scheme = First(request.Headers[ForwardedProto]) ?? request.Scheme;
        var host = First(request.Headers[ForwardedHost]) ?? (request.Host.HasValue ? request.Host.Value : null);
        if (string.IsNullOrEmpty(host) || scheme is not ("http" or "https"))
        {
            return null;
        }

        return Uri.TryCreate($"{scheme}://{host}{request.PathBase}/", UriKind.Absolute, out var url) ? url : null;
    }

    private static string? First(string? values)
        => values?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
}
