using System.Globalization;
using Azure.Data.Tables;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Monitoring;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Rollout;

/// <summary>
/// Reads a model's rollout for <c>GET /models/{name}/rollout</c>: the split and state from the registry (as serving
/// applies it), and the default's, canary's and shadow's figures from the minute rollups since the rollout began.
/// </summary>
public sealed class RolloutQuery(ModelResolver repository, TableServiceClient tables, MetricsTables names, IOptions<MonitoringOptions> options, TimeProvider clock)
{
    /// <summary>Figures shown before a rollout has begun.</summary>
    public static readonly TimeSpan FiguresBeforeStart = TimeSpan.FromHours(1);

    /// <summary>The state of a rollout whose canary (or shadow) does not qualify yet, or that no aggregation has seen.</summary>
    public const string NotStarted = "not started";

    public async Task<RolloutReport> GetAsync(string model, CancellationToken cancellationToken)
    {
        var promotion = await repository.PromotionOfAsync(model, cancellationToken);
        var plan = promotion.Rollout
            ?? throw new MaasException(ErrorKind.NotFound, $"Model '{model}' has no rollout: config.json has no 'rollout' (see docs/model-folder.md, Rollouts).");
        var config = plan.Config;
        var to = MetricsTables.LastClosedMinute(clock.GetUtcNow(), options.Value.FlushInterval).AddMinutes(1);
        var from = plan.Record?.BeganAt ?? to - FiguresBeforeStart;
        var roles = new List<(long Version, string Role)>();
        if (promotion.Default is { } current)
        {
            roles.Add((current.Version, PromotionPolicy.Default));
        }

        roles.AddRange(new[] { (config.Canary?.Version, PromotionPolicy.Canary), (config.Shadow?.Version, PromotionPolicy.Shadow) }
            .Where(role => role.Version is { } v && v != promotion.Default?.Version)
            .Select(role => (role.Version!.Value, role.Item2)));
        var figures = await FiguresAsync(model, from, to, cancellationToken);
        var gates = config.Gates;
        return new RolloutReport(
            model,
            plan.Record is null ? NotStarted : RolloutStates.NameOf(plan.State),
            promotion.Default?.Version,
            new RolloutSplitReport(
                config.Canary is { } canary ? new CanaryReport(canary.Version, canary.Percent, canary.Sticky.ToString().ToLowerInvariant(), plan.Canary is not null) : null,
                config.Shadow is { } shadow ? new ShadowReport(shadow.Version, shadow.Percent, plan.Shadow is not null) : null),
            new RolloutGatesReport(gates.MaxErrorRate, gates.MaxP95Ms, gates.MaxDriftPsi, gates.MinAgreement, gates.AbsoluteTolerance, gates.RelativeTolerance),
            config.Promote is { } promote ? new PromoteReport(promote.After, promote.MinRequests) : null,
            config.Rollback,
            plan.Record?.BeganAt,
            from,
            to,
            [.. roles.Select(role => Report(role.Version, role.Role, gates, figures.TryGetValue(role.Version.ToString(CultureInfo.InvariantCulture), out var aggregate) ? aggregate : new MetricsAggregate()))],
            plan.Record?.Decisions ?? []);
    }

    private static RolloutVersionReport Report(long version, string role, RolloutGates gates, MetricsAggregate aggregate)
    {
        var figures = RolloutFigures.Of(default, aggregate);
        IReadOnlyList<string> past = role == PromotionPolicy.Default ? [] : [.. RolloutDecisions.Breaches(gates, figures).Select(breach => breach.Gate)];
        return new RolloutVersionReport(
            version, role, figures.Requests, figures.Failed, figures.ErrorRate, figures.P95Ms, aggregate.ShadowCalls, aggregate.ShadowCompared, figures.Agreement, aggregate.ShadowDropped, past);
    }

    /// <summary>Every version's minutes in [<paramref name="from"/>, <paramref name="to"/>), merged per version.</summary>
    private async Task<Dictionary<string, MetricsAggregate>> FiguresAsync(string model, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var rollup = tables.GetTableClient(names.Rollup);
        await rollup.CreateIfNotExistsAsync(cancellationToken);
        var merged = new Dictionary<string, MetricsAggregate>(StringComparer.Ordinal);
        await foreach (var (_, version, figures) in MetricsTables.ReadMinutesAsync(rollup, model, from, to, cancellationToken))
        {
            if (!merged.TryGetValue(version, out var aggregate))
            {
                merged[version] = aggregate = new MetricsAggregate();
            }

            aggregate.Merge(figures);
        }

        return merged;
    }
}
