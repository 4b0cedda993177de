using System.Text.Json;

namespace Maas.Core.Errors;

/// <summary>Which error body an API answers with.</summary>
public enum ErrorShape
{
    /// <summary>RFC 9457 problem+json: the simple API and everything outside <c>/v1</c> and <c>/v2</c>.</summary>
    Problem,

    /// <summary>Open Inference Protocol V2: <c>{"error": "..."}</c>.</summary>
    V2,

    /// <summary>OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    OpenAi,
}

/// <summary>
/// Writes a failure's body in the shape of the API that answers it: the HTTP edge (<c>Http/ErrorResponses</c>) and a
/// batch line's <c>response.body</c> use the same bodies.
/// </summary>
public static class ErrorBody
{
    public const string ProblemContentType = "application/problem+json";

    /// <summary>The shape of the API at <paramref name="path"/>.</summary>
    public static ErrorShape ShapeOf(string? path) => path switch
    {
        _ when IsUnder(path, "/v1") => ErrorShape.OpenAi,
        _ when IsUnder(path, "/v2") => ErrorShape.V2,
        _ => ErrorShape.Problem,
    };

    public static string ContentTypeOf(ErrorShape shape) => shape == ErrorShape.Problem ? ProblemContentType : "application/json";

    /// <summary>
    /// Writes the body of a failure with <paramref name="statusCode"/> and a caller-safe <paramref name="message"/>; the
    /// OpenAI shape also carries the request <paramref name="field"/> at fault and a machine-readable <paramref name="code"/>,
    /// problem+json the <paramref name="instance"/> path.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, ErrorShape shape, int statusCode, string message, string? field, string? code, string? instance)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (shape)
        {
            case ErrorShape.OpenAi:
                WriteOpenAi(writer, message, OpenAiTypeOf(statusCode), field, code ?? (statusCode == 404 ? "not_found" : null));
                break;
            case ErrorShape.V2:
                writer.WriteStartObject();
                writer.WriteString("error", message);
                writer.WriteEndObject();
                break;
            default:
                writer.WriteStartObject();
                writer.WriteString("type", "about:blank");
                writer.WriteString("title", TitleOf(statusCode));
                writer.WriteNumber("status", statusCode);
                writer.WriteString("detail", message);
                writer.WriteString("instance", instance);
                writer.WriteEndObject();
                break;
        }
    }

    /// <summary>OpenAI's <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
    public static void WriteOpenAi(Utf8JsonWriter writer, string message, string type, string? param, string? code)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        writer.WriteString("param", param);
        writer.WriteString("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>OpenAI's error <c>type</c> for a status code.</summary>
    public static string OpenAiTypeOf(int statusCode) => statusCode switch
    {
        401 => "authentication_error",
        403 => "permission_error",
        429 => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    /// <summary>The reason phrase of the status codes this service answers failures with (those of <see cref="ErrorStatus"/>, and 500).</summary>
    public static string TitleOf(int statusCode) => statusCode switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };

    private static bool IsUnder(string? path, string prefix)
        => path is not null && path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] == '/');
}
