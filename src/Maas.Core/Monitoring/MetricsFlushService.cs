using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Monitoring;

/// <summary>Flushes the recorder every <c>Monitoring:FlushInterval</c> and once more at shutdown.</summary>
public sealed partial class MetricsFlushService(MetricsRecorder recorder, IOptions<MonitoringOptions> options, TimeProvider clock, ILogger<MetricsFlushService> logger)
    : BackgroundService
{
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushSafelyAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushSafelyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync does the last flush.
        }
    }

    /// <summary>A failed flush keeps its rows for the next one; it must never stop the instance.</summary>
    private async Task FlushSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await recorder.FlushAsync(cancellationToken);
        }
        catch (Exception error) when (error is Azure.RequestFailedException or AggregateException or OperationCanceledException or TimeoutException or HttpRequestException)
        {
            LogFlushFailed(logger, error.GetType().Name, error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Metrics flush failed; it is retried at the next interval: {ExceptionType}: {ExceptionMessage}")]
    private static partial void LogFlushFailed(ILogger logger, string exceptionType, string exceptionMessage);
}
