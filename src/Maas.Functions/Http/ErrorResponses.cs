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
/// <c>{"error": "..."}</c>, the OpenAI-compatible paths (<c>/v1/...</c>) OpenAI's
/// <c>{"error": {"message", "type", "param", "code"}}</c>, everything else RFC 9457 problem+json.
/// </summary>
internal static class ErrorResponses
{
    public const string ProblemContentType = "application/problem+json";
    private const string V2PathPrefix = "/v2";
    private const string OpenAiPathPrefix = "/v1";

    /// <summary>OpenAI's error <c>type</c> for a status code.</summary>
    public static string OpenAiTypeOf(int statusCode) => statusCode switch
    {
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= StatusCodes.Status500InternalServerError => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>The status code of <paramref name="kind"/>: Core's one map (<see cref="ErrorStatus"/>).</summary>
    public static int StatusCodeFor(ErrorKind kind) => ErrorStatus.CodeOf(kind);

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

        await WriteAsync(response, StatusCodeFor(error.Kind), error.Message, error.Field, error.Code);
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

    /// <summary>
    /// Writes a response with <paramref name="statusCode"/> and a caller-safe <paramref name="message"/>; the OpenAI shape
    /// also carries the request <paramref name="field"/> at fault and a machine-readable <paramref name="code"/>.
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, int statusCode, string message, string? field = null, string? code = null)
    {
        response.StatusCode = statusCode;
        var path = response.HttpContext.Request.Path;
        await using var writer = new Utf8JsonWriter(response.Body);
        if (path.StartsWithSegments(OpenAiPathPrefix, StringComparison.Ordinal))
        {
            response.ContentType = "application/json";
            Maas.Core.Protocol.OpenAI.OpenAiResponses.WriteError(writer, message, OpenAiTypeOf(statusCode), field, code ?? (statusCode == StatusCodes.Status404NotFound ? "not_found" : null));
        }
        else if (path.StartsWithSegments(V2PathPrefix, StringComparison.Ordinal))
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
