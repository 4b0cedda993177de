namespace Maas.Core.Errors;

/// <summary>
/// An expected failure whose message is safe to show the caller: it names what was wrong and what was expected,
/// and never carries tensor data or credentials.
/// </summary>
public sealed class MaasException(ErrorKind kind, string message) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    /// <summary>The expected failure <paramref name="error"/> is, or wraps directly (as a task's exception); null when it is unexpected.</summary>
    public static MaasException? Of(Exception error) => error as MaasException ?? error?.InnerException as MaasException;

    /// <summary>For <see cref="ErrorKind.Throttled"/>: how long the caller should wait before retrying.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The failure came from running the model (the graph refused or failed on the input), so a rollout counts it against the version.</summary>
    public bool FromModel { get; init; }

    /// <summary>The request field the failure is about (OpenAI's <c>param</c>), when one is.</summary>
    public string? Field { get; init; }

    /// <summary>A machine-readable code for the failure (OpenAI's <c>code</c>, e.g. <c>context_length_exceeded</c>), when it has one.</summary>
    public string? Code { get; init; }
}
