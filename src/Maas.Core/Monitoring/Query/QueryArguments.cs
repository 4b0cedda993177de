using System.Globalization;
using Maas.Core.Errors;

namespace Maas.Core.Monitoring.Query;

/// <summary>The query-string arguments the monitoring reads share: times, and their 400s naming what was expected.</summary>
internal static class QueryArguments
{
    /// <summary>An ISO 8601 time (UTC unless it says otherwise); null when absent.</summary>
    public static DateTimeOffset? ParseTime(string? value, string name)
        => string.IsNullOrEmpty(value)
            ? null
            : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                ? time
                : throw Invalid($"{name} is '{value}'; expected an ISO 8601 time such as 2026-11-28T10:00:00Z.");

    /// <summary>from..to, defaulting to the <paramref name="defaultSpan"/> before now (or before to); at most <paramref name="maxRange"/> long.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Range(string? from, string? to, DateTimeOffset now, TimeSpan defaultSpan, TimeSpan maxRange, string rangeNote)
    {
        var end = ParseTime(to, "to") ?? now;
        var start = ParseTime(from, "from") ?? end - defaultSpan;
        if (start > end)
        {
            throw Invalid("from must not be after to.");
        }

        return end - start <= maxRange
            ? (start, end)
            : throw Invalid(string.Create(CultureInfo.InvariantCulture, $"from..to spans {end - start}; at most {maxRange} is allowed{rangeNote}."));
    }

    public static MaasException Invalid(string message) => new(ErrorKind.InvalidInput, message);
}
