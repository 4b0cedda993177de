using System.Globalization;
using System.Text.Json;
using Maas.Core.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Maas.Functions.Http;

/// <summary>
/// The one map from failures to HTTP responses: Open Inference Protocol paths (<c>/v2/...</c>) answer
/// <c>{"error": "..."}</c>, everything else answers RFC 9457 problem+json.
/// </summary>
internal static class ErrorResponses
{
    public const string ProblemContentType = "application/problem+json";
    private const string V2PathPrefix = "/v2";

    public static int StatusCodeFor(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthenticated => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.NotReady => StatusCodes.Status409Conflict,
        ErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ErrorKind.Throttled => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Every ErrorKind needs a status code."),
    };

    /// <summary>
    /// Writes the response for an expected failure; its message is meant for the caller. A 401 carries the JwtBearer
    /// challenge (<c>WWW-Authenticate: Bearer</c>, with <c>error="invalid_token"</c> when a token was sent and refused).
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, MaasException error)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(error);
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (error.Kind == ErrorKind.Unauthenticated)
        {
            await ChallengeAsync(response.HttpContext);
        }

        await WriteAsync(response, StatusCodeFor(error.Kind), error.Message);
    }

    private static Task ChallengeAsync(HttpContext http)
    {
        if (http.RequestServices?.GetService(typeof(IAuthenticationService)) is null)
        {
            http.Response.Headers.WWWAuthenticate = JwtBearerDefaults.AuthenticationScheme;
            return Task.CompletedTask;
        }

        return http.ChallengeAsync(JwtBearerDefaults.AuthenticationScheme);
    }

    /// <summary>Writes a 500 that tells the caller only the correlation id to quote.</summary>
    public static Task WriteUnexpectedAsync(HttpResponse response, string correlationId)
    {
        response.Headers["x-correlation-id"] = correlationId;
        return WriteAsync(response, StatusCodes.Status500InternalServerError, $"An unexpected error occurred. Quote correlation id {correlationId} when reporting it.");
    }

    /// <summary>Writes a response with <paramref name="statusCode"/> and a caller-safe <paramref name="message"/>.</summary>
    public static async Task WriteAsync(HttpResponse response, int statusCode, string message)
    {
        response.StatusCode = statusCode;
        var isV2 = response.HttpContext.Request.Path.StartsWithSegments(V2PathPrefix, StringComparison.Ordinal);
        await using var writer = new Utf8JsonWriter(response.Body);
        if (isV2)
        {
            response.ContentType = "application/json";
            writer.WriteStartObject();
            writer.WriteString("error", message);
            writer.WriteEndObject();
        }
        else
        {
            response.ContentType = ProblemContentType;
            writer.WriteStartObject();
            writer.WriteString("type", "about:blank");
            writer.WriteString("title", ReasonPhrases.GetReasonPhrase(statusCode));
            writer.WriteNumber("status", statusCode);
            writer.WriteString("detail", message);
            writer.WriteString("instance", response.HttpContext.Request.Path.Value);
            writer.WriteEndObject();
        }

        await writer.FlushAsync(response.HttpContext.RequestAborted);
    }
}
