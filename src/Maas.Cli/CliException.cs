namespace Maas.Cli;

/// <summary>
/// A failure the user can act on: the message says what was wrong and what to do, and is printed without a stack trace.
/// </summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Error) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>What <c>maas</c> exits with.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A command failed: bad input, a service error, storage unreachable.</summary>
    public const int Error = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int Usage = 2;

    /// <summary><c>push</c>: the service registered the version as Failed.</summary>
    public const int RegistrationFailed = 3;

    /// <summary><c>push</c>: the version is Ready but its evaluation rejected it for promotion.</summary>
    public const int PromotionRejected = 4;

    /// <summary><c>push</c>: the version was not registered within <c>--timeout</c>.</summary>
    public const int TimedOut = 5;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
