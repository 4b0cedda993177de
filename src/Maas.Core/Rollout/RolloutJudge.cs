using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Azure.Data.Tables;
using Maas.Core.Drift;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Registry;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace Maas.Core.Rollout;

/// <summary>
/// Decides every rollout after each metrics aggregation. A rollout starts when its canary (or, without one, its shadow)
/// qualifies; its clock starts in the minute the config and that version were last registered. While it runs, the closed minutes
/// since then (and drift's hours, when the drift gate is set) of the judged version are held to the gates: a breach
/// with <c>rollback</c> rolls the canary back, a healthy canary past <c>promote.after</c> with enough calls is promoted.
/// Each decision is written once, with the figures that made it, onto the version's row, where every instance reads it.
/// </summary>
public sealed partial class RolloutJudge(
    ModelRegistryStore registry,
    TableServiceClient tables,
    MetricsTables names,
    DriftQuery drift,
    ILogger<RolloutJudge> logger) : IRollupDecider
{
    private static readonly Counter<long> Decisions = MaasTelemetry.Meter.CreateCounter<long>(
        "maas.rollout.decisions", description: "Rollout decisions written: started, promoted, rolled back, or a breach kept running; tagged with the first gate broken.");

    public async Task<int> DecideAsync(DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        var decisions = 0;
        foreach (var versions in (await registry.ListAllAsync(cancellationToken)).GroupBy(v => v.Name, StringComparer.Ordinal))
        {
            var rows = versions.ToList();
            if (rows.MaxBy(v => v.Version)!.Config.Rollout is { } rollout)
            {
                decisions += await DecideAsync(rows, rollout, watermark, cancellationToken);
            }
        }

        return decisions;
    }

    /// <summary>Starts one model's rollout when due and decides on it; returns the decisions written (a start counts).</summary>
    private async Task<int> DecideAsync(List<ModelVersionRecord> versions, RolloutConfig rollout, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        var plan = PromotionPolicy.Decide(versions).Rollout!;
        var name = versions[0].Name;
        var home = RolloutRecord.HomeOf(rollout);
        var judged = versions.FirstOrDefault(v => v.Version == home);
        var written = 0;
        if (plan.Record is not { } record)
        {
            // Not started: it starts once the version it judges qualifies (a canary that passed evaluation, a Ready shadow),
            // in the minute the config and that version were last registered.
            if (judged is null || (rollout.Canary is null ? plan.Shadow : plan.Canary) is null)
            {
                return 0;
            }

            var began = MetricsTables.MinuteOf(versions.Where(v => rollout.Versions.Contains(v.Version)).Max(v => v.UpdatedAt));
            record = new RolloutRecord(rollout.Canary?.Version, rollout.Shadow?.Version, began, RolloutState.Running, [new RolloutDecisionRecord(began, RolloutState.Running, Describe(rollout), 0, [], home)]);
            var start = record;
            await WriteAsync(name, home, rollout, current => current ?? start, cancellationToken);
            LogStarted(logger, name, home, began);
            Count(name, home, "started", gate: null);
            written++;
        }

        if (record.State != RolloutState.Running || judged is null)
        {
            return written;
        }

        // The canary (else the shadow) is judged by every gate; with both, the shadow is judged too, and its breaches are
        // recorded, never acted on: its answers reach no caller.
        var until = watermark.AddMinutes(1);
        var verdicts = new List<(long Version, RolloutDecision Decision)> { (home, await JudgeAsync(judged, rollout, record, until, cancellationToken)) };
        if (rollout is { Canary: not null, Shadow: { } shadow } && versions.FirstOrDefault(v => v.Version == shadow.Version) is { } shadowRow)
        {
            var alone = await JudgeAsync(shadowRow, rollout with { Canary = null, Promote = null }, record, until, cancellationToken);
            verdicts.Add((shadow.Version, alone with { Reason = FormattableString.Invariant($"shadow version {shadow.Version}, {alone.Reason}") }));
        }

        // A decision is written once: an end (promoted, rolled back), or a version's first breach that changes nothing.
        var made = verdicts
            .Where(v => v.Decision.State != RolloutState.Running
                || (v.Decision.Breaches.Count > 0 && !record.Decisions.Any(d => d.Version == v.Version && d.Breaches.Count > 0)))
            .Select(v => new RolloutDecisionRecord(until, v.Decision.State, v.Decision.Reason, v.Decision.Requests, v.Decision.Breaches, v.Version))
            .ToList();
        if (made.Count == 0)
        {
            return written;
        }

        var state = made.FirstOrDefault(d => d.State != RolloutState.Running)?.State ?? RolloutState.Running;
        await WriteAsync(
            name,
            home,
            rollout,
            current => current is { State: RolloutState.Running } running && running.Decisions.Count == record.Decisions.Count
                ? running with { State = state, Decisions = [.. running.Decisions, .. made] }
                : current,
            cancellationToken);
        foreach (var decision in made)
        {
            Count(name, decision.Version ?? home, RolloutStates.NameOf(decision.State), decision.Breaches is [var first, ..] ? first.Gate : null);
            switch (decision.State)
            {
                case RolloutState.RolledBack:
                    LogRolledBack(logger, name, home, decision.Reason);
                    break;
                case RolloutState.Promoted:
                    LogPromoted(logger, name, home, decision.Reason);
                    break;
                default:
                    LogBreachKept(logger, name, decision.Version ?? home, decision.Reason);
                    break;
            }
        }

        return written + made.Count;
    }

    /// <summary>The decision on <paramref name="version"/> by <paramref name="rollout"/>'s rules over its closed minutes (and drift hours) since the rollout began.</summary>
    private async Task<RolloutDecision> JudgeAsync(ModelVersionRecord version, RolloutConfig rollout, RolloutRecord record, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var figures = await MinutesAsync(version.Name, version.Version, record.BeganAt, until, cancellationToken);
        if (rollout.Gates.MaxDriftPsi is not null && version.Config.Drift is not null)
        {
            figures.AddRange(await DriftHoursAsync(version, record.BeganAt, until, cancellationToken));
        }

        return RolloutDecisions.Decide(rollout, record.BeganAt, until, figures);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the record of this rollout as stored now (null when there is none, or it is
    /// another rollout's); returning its argument writes nothing, so a decision another run wrote meanwhile is not written twice.
    /// </summary>
    private async Task WriteAsync(string name, long home, RolloutConfig rollout, Func<RolloutRecord?, RolloutRecord?> change, CancellationToken cancellationToken)
        => await registry.UpdateRolloutAsync(
            name,
            home,
            stored =>
            {
                var mine = stored is { } record && record.IsFor(rollout) ? record : null;
                var changed = change(mine);
                return ReferenceEquals(changed, mine) ? stored : changed;
            },
            cancellationToken);

    /// <summary>The version's closed minutes from <paramref name="began"/> to <paramref name="until"/> (exclusive), as the rollup merged them.</summary>
    private async Task<List<RolloutFigures>> MinutesAsync(string name, long version, DateTimeOffset began, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var number = version.ToString(CultureInfo.InvariantCulture);
        var figures = new List<RolloutFigures>();
        await foreach (var minute in MetricsTables.ReadMinutesAsync(tables.GetTableClient(names.Rollup), name, began, until, cancellationToken))
        {
            if (minute.Version == number)
            {
                figures.Add(RolloutFigures.Of(minute.Minute, minute.Figures));
            }
        }

        return figures;
    }

    /// <summary>The drift hours of the version's inputs since the rollout began that have enough values to be judged: the largest PSI of each.</summary>
    private async Task<IEnumerable<RolloutFigures>> DriftHoursAsync(ModelVersionRecord version, DateTimeOffset began, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var report = await drift.GetAsync(version, began, until, cancellationToken);
        var minimum = report.Thresholds?.MinimumValues ?? long.MaxValue;
        return report.Tensors
            .Where(tensor => tensor.Side == DriftSide.Input)
            .SelectMany(tensor => tensor.Hours)
            .Where(hour => hour.Hour >= MetricsTables.HourOf(began) && hour.Values >= minimum && hour.Features.Any(f => f.Psi is not null))
            .GroupBy(hour => hour.Hour)
            // The hour the rollout began in is judged from the rollout's start.
            .Select(hour => RolloutFigures.OfDrift(hour.Key < began ? began : hour.Key, hour.SelectMany(h => h.Features).Max(f => f.Psi ?? 0)));
    }

    private static void Count(string model, long version, string decision, string? gate)
        => Decisions.Add(1, new TagList { { "model", model }, { "version", version }, { "decision", decision }, { "gate", gate ?? string.Empty } });

    private static string Describe(RolloutConfig rollout)
        => "started: " + string.Join(
            " and ",
            new[]
            {
                rollout.Canary is { } canary ? FormattableString.Invariant($"canary version {canary.Version} takes {canary.Percent}% of the calls made without a version (sticky by {canary.Sticky.ToString().ToLowerInvariant()})") : null,
                rollout.Shadow is { } shadow ? FormattableString.Invariant($"shadow version {shadow.Version} runs copies of {shadow.Percent}% of the default's calls") : null,
            }.OfType<string>());

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout of model {ModelName} version {ModelVersion} started; its clock runs from {BeganAt}")]
    private static partial void LogStarted(ILogger logger, string modelName, long modelVersion, DateTimeOffset beganAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout of model {ModelName} version {ModelVersion}: {Reason}")]
    private static partial void LogRolledBack(ILogger logger, string modelName, long modelVersion, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rollout of model {ModelName} version {ModelVersion}: {Reason}")]
    private static partial void LogPromoted(ILogger logger, string modelName, long modelVersion, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rollout of model {ModelName} version {ModelVersion} broke a gate: {Reason}")]
    private static partial void LogBreachKept(ILogger logger, string modelName, long modelVersion, string reason);
}
