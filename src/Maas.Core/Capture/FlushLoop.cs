namespace Maas.Core.Capture;

/// <summary>The loop of the capture writer and the drift recorder: wait an interval, flush, until the host stops (which flushes once more itself).</summary>
internal static class FlushLoop
{
    /// <param name="flush">Must not throw but for cancellation: a background service that throws stops the host.</param>
    public static async Task RunAsync(TimeSpan interval, TimeProvider clock, Func<CancellationToken, Task> flush, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(interval, clock, stoppingToken);
                await flush(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync writes what is left.
        }
    }
}
