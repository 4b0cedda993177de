using System.Globalization;
using System.Text.Json;
using Maas.Core.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace Maas.Functions.Http;

/// <summary>
/// The one map from failures to HTTP responses: Open Inference Protocol paths (<c>/v2/...</c>) answer
/// <c>{"error": "..."}</c>, the OpenAI-compatible paths (<c>/v1/...</c>) OpenAI's
/// <c>{"error": {"message", "type", "param", "code"}}</c>, everything else RFC 9457 problem+json.
/// </summary>
internal static class ErrorResponses
{
    public const string ProblemContentType = ErrorBody.ProblemContentType;

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
    /// Writes a response with <paramref name="statusCode"/> and a caller-safe <paramref name="message"/> in the shape of
    /// the API the path belongs to (<see cref="ErrorBody"/>); the OpenAI shape also carries the request
    /// <paramref name="field"/> at fault and a machine-readable <paramref name="code"/>.
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, int statusCode, string message, string? field = null, string? code = null)
    {
        response.StatusCode = statusCode;
        var path = response.HttpContext.Request.Path.Value;
        var shape = ErrorBody.ShapeOf(path);
        response.ContentType = ErrorBody.ContentTypeOf(shape);
        await using var writer = new Utf8JsonWriter(response.Body);
        ErrorBody.Write(writer, shape, statusCode, message, field, code, path);
        await writer.FlushAsync(response.HttpContext.RequestAborted);
    }
}
