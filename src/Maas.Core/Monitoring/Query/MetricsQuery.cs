using Azure.Data.Tables;
using Maas.Core.Errors;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Monitoring.Query;

/// <summary>
/// Reads rollups for <c>GET /models/{name}/metrics?grain=minute|hour&amp;from=&amp;to=&amp;version=&amp;caller=</c>. Without
/// a version, each point merges every version of the period. With a caller, only periods that caller called in are
/// returned and only its figures are listed under <c>callers</c>.
/// </summary>
public sealed class MetricsQuery(TableServiceClient tables, MetricsTables names, ModelResolver repository, IOptions<MonitoringOptions> options, TimeProvider clock)
{
    /// <summary>The longest range one query may span, per grain.</summary>
    public static readonly TimeSpan MaxMinuteRange = TimeSpan.FromDays(2);
    public static readonly TimeSpan MaxHourRange = TimeSpan.FromDays(93);

    public async Task<MetricsReport> GetAsync(string model, string? grain, string? from, string? to, string? version, string? caller, CancellationToken cancellationToken)
    {
        var parsedGrain = grain switch
        {
            null or "" or "minute" => MetricsGrain.Minute,
            "hour" => MetricsGrain.Hour,
            _ => throw Invalid($"grain is '{grain}'; expected minute or hour."),
        };
        var (start, end) = QueryArguments.Range(
            from,
            to,
            clock.GetUtcNow(),
            parsedGrain == MetricsGrain.Minute ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1),
            parsedGrain == MetricsGrain.Minute ? MaxMinuteRange : MaxHourRange,
            $" at {parsedGrain.ToString().ToLowerInvariant()} grain");
        if (version is not null && !ModelBlobPath.TryParseVersion(version, out _))
        {
            throw Invalid($"version is '{version}'; expected a positive whole number.");
        }

        await repository.GetModelAsync(model, cancellationToken);
        var points = await ReadAsync(model, parsedGrain, start, end, version, caller, cancellationToken);
        return new MetricsReport(model, parsedGrain.ToString().ToLowerInvariant(), start, end, version, caller, points);
    }

    private async Task<List<MetricsPoint>> ReadAsync(
        string model, MetricsGrain grain, DateTimeOffset start, DateTimeOffset end, string? version, string? caller, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(names.Rollup);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var periodStart = grain == MetricsGrain.Minute ? MetricsTables.MinuteOf(start) : MetricsTables.HourOf(start);
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {MetricsTables.RollupPartition(model, grain)} and RowKey ge {MetricsTables.TimeKey(periodStart)} and RowKey lt {MetricsTables.TimeKey(end) + "~"}");
        var periods = new SortedDictionary<DateTimeOffset, MetricsAggregate>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (version is not null && entity.GetString("Version") != version)
            {
                continue;
            }

            var time = entity.GetDateTimeOffset("PeriodStart")!.Value;
            if (!periods.TryGetValue(time, out var aggregate))
            {
                periods[time] = aggregate = new MetricsAggregate();
            }

            aggregate.Merge(MetricsAggregate.ReadFrom(entity));
        }

        return [.. periods
            .Where(period => caller is null || period.Value.Callers.ContainsKey(caller))
            .Select(period => MetricsPoint.From(period.Key, version ?? MetricsPoint.AllVersions, grain, period.Value, options.Value, caller))];
    }

    /// <summary>
    /// The model versions that served the most requests over the last <paramref name="window"/>, most first, from the
    /// minute rollups of every model (one query); the <c>_unknown</c> and <c>_unauthenticated</c> counters are no models.
    /// </summary>
    public async Task<IReadOnlyList<(string Model, string Version, long Requests)>> BusiestAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(names.Rollup);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var since = clock.GetUtcNow() - window;
        var minute = MetricsGrain.Minute.ToString();
        var requests = new Dictionary<(string Model, string Version), long>();
        await foreach (var entity in table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"Grain eq {minute} and PeriodStart ge {since}"),
            select: ["Model", "Version", nameof(MetricsAggregate.Requests)],
            cancellationToken: cancellationToken))
        {
            var key = (entity.GetString("Model"), entity.GetString("Version"));
            if (key.Item1 is PredictionRecord.UnknownModel or PredictionRecord.UnauthenticatedModel || string.IsNullOrEmpty(key.Item2))
            {
                continue;
            }

            requests[key] = requests.GetValueOrDefault(key) + (entity.GetInt64(nameof(MetricsAggregate.Requests)) ?? 0);
        }

        return [.. requests.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key.Model, StringComparer.Ordinal).Select(pair => (pair.Key.Model, pair.Key.Version, pair.Value))];
    }

    private static MaasException Invalid(string message) => QueryArguments.Invalid(message);
}
