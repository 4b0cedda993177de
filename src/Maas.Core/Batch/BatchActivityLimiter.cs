using Microsoft.Extensions.Options;

namespace Maas.Core.Batch;

/// <summary>
/// This instance's bound on chunks running at once (<c>Batch:MaxActivitiesPerInstance</c>), whatever batch they belong
/// to: batch work waits here, live calls never do. host.json's <c>maxConcurrentActivityFunctions</c> bounds what the
/// task hub hands an instance; this bound holds whatever it is set to.
/// </summary>
public sealed class BatchActivityLimiter(IOptions<BatchOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxActivitiesPerInstance);

    /// <summary>Waits for a free slot; dispose the result to free it.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
