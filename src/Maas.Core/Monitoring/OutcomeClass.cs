using Maas.Core.Errors;

namespace Maas.Core.Monitoring;

/// <summary>How a prediction ended, as monitoring counts it.</summary>
public enum OutcomeClass
{
    Ok,
    ClientError,
    Auth,
    NotFound,
    ServerError,
    Throttled,
}

/// <summary>The outcome class of each failure kind.</summary>
public static class OutcomeClasses
{
    public static OutcomeClass Of(ErrorKind kind) => kind switch
    {
        ErrorKind.Unauthenticated or ErrorKind.Forbidden => OutcomeClass.Auth,
        ErrorKind.NotFound => OutcomeClass.NotFound,
        ErrorKind.Throttled => OutcomeClass.Throttled,
        ErrorKind.Unavailable => OutcomeClass.ServerError,
        _ => OutcomeClass.ClientError,
    };

    /// <summary>Failures the service owns (server errors and throttling): what the error-rate SLO counts.</summary>
    public static bool CountsAgainstSlo(OutcomeClass outcome) => outcome is OutcomeClass.ServerError or OutcomeClass.Throttled;
}
