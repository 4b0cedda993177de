using System.Collections.Concurrent;
using Maas.Core.Models;

namespace Maas.Core.Inference;

/// <summary>One batching queue per (model, version, SHA-256) whose config.json enables <c>dynamicBatching</c>.</summary>
public sealed class DynamicBatcher(SessionCache sessions) : IDisposable
{
    private readonly ConcurrentDictionary<(string Name, long Version, string Sha256), Lazy<BatchQueue>> _queues = new();

    /// <summary>Queues a validated request and completes with its own rows of the batched run.</summary>
    public Task<BatchedRun> RunAsync(ModelVersionRecord model, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var queue = _queues.GetOrAdd((model.Name, model.Version, model.Sha256), _ => new Lazy<BatchQueue>(() => new BatchQueue(model, sessions))).Value;
        return queue.EnqueueAsync(request, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var queue in _queues.Values.Where(q => q.IsValueCreated))
        {
            queue.Value.Dispose();
        }
    }
}
