using Maas.Core.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Monitoring;

/// <summary>
/// Flushes the recorder every <c>Monitoring:FlushInterval</c> and once more at shutdown. While flushes fail (storage down)
/// the recorder keeps its aggregates and the service retries with backoff: the interval doubles after each failure, up to
/// <see cref="MaxBackoffIntervals"/> intervals, and is back to one after a success.
/// </summary>
public sealed partial class MetricsFlushService(
    MetricsRecorder recorder,
    DependencyHealth health,
    IOptions<MonitoringOptions> options,
    TimeProvider clock,
    ILogger<MetricsFlushService> logger)
    : BackgroundService
{
    /// <summary>The longest wait between two failed flushes, in flush intervals.</summary>
    public const int MaxBackoffIntervals = 8;

    /// <summary>The wait before the next flush after <paramref name="failures"/> failures in a row.</summary>
    public static TimeSpan DelayAfter(int failures, TimeSpan interval)
        => interval * Math.Min(MaxBackoffIntervals, 1L << Math.Min(failures, 30));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushSafelyAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(DelayAfter(failures, options.Value.FlushInterval), clock, stoppingToken);
                failures = await FlushSafelyAsync(stoppingToken) ? 0 : failures + 1;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync does the last flush.
        }
    }

    /// <summary>A failed flush keeps its rows for the next one; it must never stop the instance. True when it succeeded.</summary>
    private async Task<bool> FlushSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await recorder.FlushAsync(cancellationToken);
            health.ReportSuccess(DependencyHealth.Storage);
            return true;
        }
        catch (Exception error) when (StorageFaults.IsTransient(error) || error is Azure.RequestFailedException or OperationCanceledException)
        {
            health.ReportFailure(DependencyHealth.Storage, "metrics flush");
            LogFlushFailed(logger, error.GetType().Name, error.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics flush failed; the aggregates are kept and the flush retried with backoff: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogFlushFailed(ILogger logger, string exceptionType, string exceptionMessage);
}
