namespace Maas.Core.Monitoring;

/// <summary>
/// The bound the metrics and drift recorders keep while their flushes fail (<c>Monitoring:MaxBufferedMinutes</c>): beyond
/// it the oldest unwritten entries are dropped, so an outage cannot exhaust memory.
/// </summary>
public static class UnwrittenMinutes
{
    /// <summary>Drops the oldest of <paramref name="unwritten"/> (and what <paramref name="held"/> keeps for them) beyond <paramref name="max"/>; returns how many.</summary>
    public static int DropOldest<TKey, TValue>(HashSet<TKey> unwritten, Dictionary<TKey, TValue> held, Func<TKey, DateTimeOffset> minuteOf, int max)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(unwritten);
        ArgumentNullException.ThrowIfNull(held);
        var excess = unwritten.Count - max;
        if (excess <= 0)
        {
            return 0;
        }

        foreach (var key in unwritten.OrderBy(minuteOf).Take(excess).ToList())
        {
            unwritten.Remove(key);
            held.Remove(key);
        }

        return excess;
    }
}
