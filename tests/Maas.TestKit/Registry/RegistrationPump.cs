namespace Maas.TestKit.Registry;

/// <summary>
/// Stands in for the Functions host's blob trigger, which cannot run here, for clients that upload and then wait on the
/// API (the samples): it reconciles the harness's container over and over, so each upload is registered within one
/// pass. The interval is the trigger's polling, not a synchronisation: clients wait on what the API reports.
/// </summary>
public sealed class RegistrationPump : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private RegistrationPump(RegistryHarness registry) => _loop = RunAsync(registry, _stop.Token);

    public static RegistrationPump Start(RegistryHarness registry) => new(registry);

    private static async Task RunAsync(RegistryHarness registry, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            do
            {
                await registry.Reconciler.RunAsync(stop);
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by the test.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
