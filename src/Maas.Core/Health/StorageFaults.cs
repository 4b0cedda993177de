using Azure;

namespace Maas.Core.Health;

/// <summary>Which exceptions mean "storage is unreachable or failing now" (retry later), as opposed to an answer such as 404 or 412.</summary>
public static class StorageFaults
{
    public static bool IsTransient(Exception error) => error switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or IOException or TimeoutException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsTransient),
        _ => error.InnerException is { } inner && IsTransient(inner),
    };
}
