using Azure.Data.Tables;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Monitoring.Query;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Drift;

/// <summary>
/// Reads hourly drift rollups for <c>GET /models/{name}/drift?version=&amp;from=&amp;to=</c>: one version (the default
/// version unless named) over hours (the last day unless given), per tensor and feature, the flagged ones marked.
/// </summary>
public sealed class DriftQuery(TableServiceClient tables, DriftTables names, ModelResolver repository, DriftBaselineStore baselines, IOptions<DriftOptions> options, TimeProvider clock)
{
    /// <summary>The longest range one query may span.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(93);

    public async Task<DriftReport> GetAsync(string model, string? version, string? from, string? to, CancellationToken cancellationToken)
    {
        var (start, end) = QueryArguments.Range(from, to, clock.GetUtcNow(), TimeSpan.FromDays(1), MaxRange, string.Empty);
        if (version is not null && !ModelBlobPath.TryParseVersion(version, out _))
        {
            throw QueryArguments.Invalid($"version is '{version}'; expected a positive whole number.");
        }

        var record = version is null ? await repository.ResolveAsync(model, null, cancellationToken) : await repository.GetVersionAsync(model, version, cancellationToken);
        return await GetAsync(record, start, end, cancellationToken);
    }

    /// <summary>The drift of <paramref name="record"/> over the hours from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public async Task<DriftReport> GetAsync(ModelVersionRecord record, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var baseline = record.DriftBaseline is { BlobPath.Length: > 0 } stored ? await baselines.GetAsync(stored.BlobPath, cancellationToken) : null;
        var drift = record.Config.Drift;
        return new DriftReport(
            record.Name,
            record.Version,
            start,
            end,
            drift is null ? null : new DriftThresholds(drift.PsiThreshold, drift.JsdThreshold, options.Value.MinimumValues),
            drift is null || record.DriftBaseline is not { BlobPath.Length: > 0 } summary
                ? null
                : new DriftBaselineReport(drift.BaselineIsEvaluationSet ? "evaluation" : "live", summary.Rows, drift.BaselineFrom, drift.BaselineTo),
            await ReadAsync(record, baseline, start, end, cancellationToken));
    }

    private async Task<List<DriftTensorReport>> ReadAsync(ModelVersionRecord record, DriftBaseline? baseline, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(names.Rollup);
        await table.CreateIfNotExistsAsync(cancellationToken);
        var first = DriftTables.RollupTimeKey(record.Version, MetricsTables.HourOf(start));
        var last = DriftTables.RollupTimeKey(record.Version, end) + "~";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {record.Name} and RowKey ge {first} and RowKey lt {last}");
        var tensors = new Dictionary<(string Side, string Name), (string Granularity, List<DriftHourReport> Hours)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var key = (entity.GetString("Side"), entity.GetString("Tensor"));
            if (!tensors.TryGetValue(key, out var tensor))
            {
                tensors[key] = tensor = (entity.GetString("Granularity"), []);
            }

            tensor.Hours.Add(HourOf(entity, key.Item1 == DriftSide.Prediction));
        }

        return [.. tensors
            .OrderBy(t => t.Key.Side, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Name, StringComparer.Ordinal)
            .Select(t => new DriftTensorReport(
                t.Key.Side,
                t.Key.Name,
                t.Value.Granularity,
                t.Value.Hours.Count == 0 ? 0 : t.Value.Hours[0].Features.Count,
                t.Key.Side == DriftSide.Prediction ? baseline?.Tensors.FirstOrDefault(b => b.Side == t.Key.Side && b.Name == t.Key.Name)?.Features[0].Histogram : null,
                [.. t.Value.Hours.OrderBy(h => h.Hour)]))];
    }

    private static DriftHourReport HourOf(TableEntity entity, bool classes)
    {
        var summaries = DriftSummaryCodec.Decode(DriftSummaryCodec.ReadColumns(entity, DriftSummaryCodec.SummaryColumn));
        var figures = DriftSummaryCodec.DecodeFigures(DriftSummaryCodec.ReadColumns(entity, DriftSummaryCodec.FiguresColumn));
        return new DriftHourReport(
            entity.GetDateTimeOffset("Hour")!.Value,
            entity.GetInt64("Values") ?? 0,
            entity.GetBoolean("Flagged") ?? false,
            [.. summaries.Select((summary, f) => new DriftFeatureReport(
                f,
                summary.Count,
                summary.NonFinite,
                summary.Count == 0 ? null : summary.Mean,
                summary.Count == 0 ? null : summary.Min,
                summary.Count == 0 ? null : summary.Max,
                figures[f].Psi,
                figures[f].Jsd,
                figures[f].MeanShift,
                figures[f].Flagged,
                classes ? summary.Histogram : null))]);
    }
}
