namespace Maas.Core.Errors;

/// <summary>
/// The one map from failure kinds to HTTP status codes. The HTTP edge answers with it (<c>Http/ErrorResponses</c>),
/// and so does anything that reports a call's outcome as a status code without HTTP (a batch line's response).
/// </summary>
public static class ErrorStatus
{
    public static int CodeOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput => 400,
        ErrorKind.Unauthenticated => 401,
        ErrorKind.Forbidden => 403,
        ErrorKind.NotFound => 404,
        ErrorKind.NotReady => 409,
        ErrorKind.PayloadTooLarge => 413,
        ErrorKind.UnsupportedMediaType => 415,
        ErrorKind.Throttled => 429,
        ErrorKind.Unavailable => 503,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Every ErrorKind needs a status code."),
    };
}
