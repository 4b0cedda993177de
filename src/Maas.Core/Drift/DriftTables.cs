using System.Globalization;
using Maas.Core.Monitoring;

namespace Maas.Core.Drift;

/// <summary>
/// Drift's tables, with the same two grains as the metrics tables (<see cref="MetricsTables"/>): <c>DriftRaw</c>
/// (PartitionKey = minute, RowKey = model|version|instance|side|tensor) and <c>DriftRollup</c> (PartitionKey = model,
/// RowKey = version|hour|side|tensor). The names are fixed in production; tests give each run tables of its own.
/// </summary>
public sealed record DriftTables(string Raw, string Rollup)
{
    public static DriftTables Default { get; } = new("DriftRaw", "DriftRollup");

    /// <summary>A raw row's key; the tensor name escaped, as names may hold characters keys may not (<c>/</c>, <c>#</c>, <c>?</c>).</summary>
    public static string RawRowKey(string model, string version, string instance, string side, string tensor)
        => $"{model}|{version}|{instance}|{side}|{Uri.EscapeDataString(tensor)}";

    /// <summary>A rollup row's key: the version zero-padded so a version's hours sort together and in order.</summary>
    public static string RollupRowKey(long version, DateTimeOffset hour, string side, string tensor)
        => $"{RollupTimeKey(version, hour)}|{side}|{Uri.EscapeDataString(tensor)}";

    /// <summary>The start of a rollup row key: a version's rows of one period sort from it.</summary>
    public static string RollupTimeKey(long version, DateTimeOffset time) => string.Create(CultureInfo.InvariantCulture, $"{version:D10}|{MetricsTables.TimeKey(time)}");
}
