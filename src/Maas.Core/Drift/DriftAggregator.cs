using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Azure.Data.Tables;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Registry;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Drift;

/// <summary>
/// The drift half of the rollup: for each hour the metrics rollup touches, merges every instance's minute summaries of
/// that hour (the closed minutes only) per tensor, compares each feature with the version's baseline
/// (<see cref="DriftFigures"/>) and replaces the hour's row in <c>DriftRollup</c>. Rows are recomputed from their sources
/// each time, so re-runs write the same rows; the metrics watermark moves only after them. An hour that becomes
/// flagged is logged once as a warning; every hour written sets the <c>maas.drift.psi</c> and <c>maas.drift.jsd</c> gauges.
/// </summary>
public sealed partial class DriftAggregator(
    TableServiceClient tables,
    DriftTables names,
    ModelRegistryStore registry,
    DriftBaselineStore baselines,
    IOptions<DriftOptions> options,
    ILogger<DriftAggregator> logger)
    : IHourlyRollup
{
    /// <summary>Builds the live baselines whose windows have closed (<see cref="BuildLiveBaselinesAsync"/>).</summary>
    public Task PrepareAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken) => BuildLiveBaselinesAsync(closedBefore, cancellationToken);

    /// <summary>Deletes the minute summaries before <paramref name="before"/> (the metrics retention, all rolled up).</summary>
    public Task DeleteRawBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken)
        => MetricsTables.DeleteMinutesBeforeAsync(tables.GetTableClient(names.Raw), before, cancellationToken);

    private static readonly Gauge<double> Psi = MaasTelemetry.Meter.CreateGauge<double>("maas.drift.psi", description: "Highest population stability index of a tensor's features over an hour, against the version's baseline.");
    private static readonly Gauge<double> Jsd = MaasTelemetry.Meter.CreateGauge<double>("maas.drift.jsd", description: "Highest Jensen–Shannon distance (base 2) of a tensor's features over an hour, against the version's baseline.");

    /// <summary>Rolls up the drift of each (hour, model, version), over minutes up to <paramref name="until"/>; returns the flagged tensor-hours written.</summary>
    public async Task<int> RollUpAsync(IEnumerable<(DateTimeOffset Hour, string Model, string Version)> hours, DateTimeOffset until, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hours);
        var raw = tables.GetTableClient(names.Raw);
        var rollup = tables.GetTableClient(names.Rollup);
        await raw.CreateIfNotExistsAsync(cancellationToken);
        await rollup.CreateIfNotExistsAsync(cancellationToken);
        var flagged = 0;
        foreach (var (hour, model, version) in hours.Distinct())
        {
            if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var merged = await MergeHourAsync(raw, hour, until, model, version, cancellationToken);
            if (merged.Count == 0
                || await registry.GetAsync(model, number, cancellationToken) is not { Record: { Config.Drift: { } config, DriftBaseline.BlobPath.Length: > 0 } record }
                || await baselines.GetAsync(record.DriftBaseline!.BlobPath, cancellationToken) is not { } baseline)
            {
                continue;
            }

            foreach (var ((side, name), period) in merged)
            {
                if (baseline.Tensors.FirstOrDefault(t => t.Side == side && t.Name == name) is { } tensor && tensor.Features.Count == period.Length)
                {
                    flagged += await WriteHourAsync(rollup, record, config, hour, tensor, period, cancellationToken) ? 1 : 0;
                }
            }
        }

        return flagged;
    }

    /// <summary>
    /// Builds the baseline of each Ready version whose config.json compares with a live window that has closed (ended
    /// before <paramref name="closedBefore"/>, so every instance has written its sample) and that has none yet: the
    /// instances' samples merged, stored beside the evaluation reports, and the row pointed at it (a row changed
    /// meanwhile is left for the next run); then the samples are deleted. A window no call was sampled in leaves the
    /// reason on the row instead.
    /// </summary>
    public async Task<int> BuildLiveBaselinesAsync(DateTimeOffset closedBefore, CancellationToken cancellationToken)
    {
        var built = 0;
        foreach (var (record, etag) in await registry.SnapshotAsync(cancellationToken))
        {
            if (record is not { Status: ModelStatus.Ready, DriftBaseline: null, Config.Drift: { BaselineIsEvaluationSet: false } drift } || drift.BaselineTo >= closedBefore)
            {
                continue;
            }

            var sample = await baselines.ReadLiveSamplesAsync(record, drift, cancellationToken);
            var baseline = sample?.Build();
            var path = DriftBaselineStore.LiveBaselinePath(record, drift);
            if (baseline is not null)
            {
                await baselines.StoreAsync(path, baseline, cancellationToken);
            }

            var summary = new DriftBaselineSummary
            {
                EvaluationSetSha256 = string.Empty,
                Rows = baseline?.Rows ?? 0,
                Tensors = baseline is null ? [] : [.. baseline.Tensors.Select(t => t.Describe())],
                BlobPath = baseline is null ? string.Empty : path,
                Problem = baseline is null ? "no call was sampled in the live baseline window" : null,
            };
            try
            {
                await registry.WriteAsync(record with { DriftBaseline = summary }, etag, cancellationToken);
                await baselines.DeleteLiveSamplesAsync(record, drift, cancellationToken);
                LogLiveBaseline(logger, record.Name, record.Version, summary.Rows, summary.Problem ?? "built");
                built++;
            }
            catch (Azure.RequestFailedException error) when (error.Status is 409 or 412)
            {
                // Registered again meanwhile: the next run sees the new row.
            }
        }

        return built;
    }

    /// <summary>Every instance's summaries of the hour's minutes up to <paramref name="until"/>, merged per tensor.</summary>
    private static async Task<Dictionary<(string Side, string Tensor), DriftSummary[]>> MergeHourAsync(
        TableClient raw, DateTimeOffset hour, DateTimeOffset until, string model, string version, CancellationToken cancellationToken)
    {
        var last = hour.AddMinutes(59) < until ? hour.AddMinutes(59) : until;
        var merged = new Dictionary<(string, string), DriftSummary[]>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {MetricsTables.TimeKey(hour)} and PartitionKey le {MetricsTables.TimeKey(last)} and Model eq {model} and Version eq {version}");
        await foreach (var entity in raw.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var key = (entity.GetString("Side"), entity.GetString("Tensor"));
            var summaries = DriftSummaryCodec.Decode(DriftSummaryCodec.ReadColumns(entity, DriftSummaryCodec.SummaryColumn));
            if (!merged.TryGetValue(key, out var sum))
            {
                merged[key] = summaries;
            }
            else if (sum.Length == summaries.Length)
            {
                for (var f = 0; f < sum.Length; f++)
                {
                    sum[f].Merge(summaries[f]);
                }
            }
        }

        return merged;
    }

    /// <summary>Replaces the tensor's hour row; true when the hour is flagged (logged when it was not before).</summary>
    private async Task<bool> WriteHourAsync(
        TableClient rollup, ModelVersionRecord record, DriftConfig config, DateTimeOffset hour, TensorBaseline tensor, DriftSummary[] period, CancellationToken cancellationToken)
    {
        var figures = period.Select((summary, f) => DriftFigures.Of(tensor.Features[f], summary, config, options.Value.MinimumValues)).ToList();
        var flagged = figures.Count(f => f.Flagged);
        var maxPsi = figures.Max(f => f.Psi ?? 0);
        var maxJsd = figures.Max(f => f.Jsd ?? 0);
        var rowKey = DriftTables.RollupRowKey(record.Version, hour, tensor.Side, tensor.Name);
        var before = await rollup.GetEntityIfExistsAsync<TableEntity>(record.Name, rowKey, select: ["Flagged"], cancellationToken: cancellationToken);
        var entity = new TableEntity(record.Name, rowKey)
        {
            ["Model"] = record.Name,
            ["Version"] = record.Version,
            ["Hour"] = hour,
            ["Side"] = tensor.Side,
            ["Tensor"] = tensor.Name,
            ["Granularity"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(tensor.Granularity.ToString()),
            ["Values"] = period.Sum(s => s.Count),
            ["Flagged"] = flagged > 0,
            ["FlaggedFeatures"] = flagged,
            ["MaxPsi"] = maxPsi,
            ["MaxJsd"] = maxJsd,
        };
        DriftSummaryCodec.WriteColumns(entity, DriftSummaryCodec.SummaryColumn, DriftSummaryCodec.Encode(period));
        DriftSummaryCodec.WriteColumns(entity, DriftSummaryCodec.FiguresColumn, DriftSummaryCodec.EncodeFigures(figures));
        await rollup.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);

        var tags = new TagList { { "model", record.Name }, { "version", record.Version }, { "side", tensor.Side }, { "tensor", tensor.Name }, { "flagged", flagged > 0 } };
        Psi.Record(maxPsi, tags);
        Jsd.Record(maxJsd, tags);
        if (flagged > 0 && !(before.HasValue && before.Value!.GetBoolean("Flagged") == true))
        {
            LogDrifted(logger, record.Name, record.Version, tensor.Side, tensor.Name, hour, flagged, maxPsi, config.PsiThreshold, maxJsd, config.JsdThreshold);
        }

        return flagged > 0;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {ModelName} version {ModelVersion} live drift baseline: {Rows} rows sampled, {Outcome}")]
    private static partial void LogLiveBaseline(ILogger logger, string modelName, long modelVersion, long rows, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelName} version {ModelVersion} drifted from its baseline in the hour from {Hour}: {Side} '{Tensor}' has {FlaggedFeatures} flagged features, highest PSI {MaxPsi} (threshold {PsiThreshold}), highest Jensen-Shannon distance {MaxJsd} (threshold {JsdThreshold})")]
    private static partial void LogDrifted(ILogger logger, string modelName, long modelVersion, string side, string tensor, DateTimeOffset hour, int flaggedFeatures, double maxPsi, double psiThreshold, double maxJsd, double jsdThreshold);
}
