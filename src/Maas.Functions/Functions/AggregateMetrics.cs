using Maas.Core.Monitoring;
using Maas.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>Rolls per-instance measurements up into minute and hour figures, on the <c>MetricsAggregationSchedule</c> setting.</summary>
public sealed class AggregateMetrics(MetricsAggregator aggregator)
{
    public const string Schedule = "%" + TimerScheduleOptions.MetricsAggregationScheduleSetting + "%";

    [Function(nameof(AggregateMetrics))]
    public Task Run([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
        => aggregator.RunAsync(cancellationToken);
}
