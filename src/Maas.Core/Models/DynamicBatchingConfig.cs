namespace Maas.Core.Models;

/// <summary>The <c>dynamicBatching</c> block of a model's config.json; its presence turns dynamic batching on.</summary>
/// <param name="MaxQueueSize">Requests that may wait at once; more are refused with 429. Default: four batches' worth.</param>
public sealed record DynamicBatchingConfig(int MaxQueueDelayMs, IReadOnlyList<int> PreferredBatchSizes, int? MaxQueueSize = null)
{
    /// <summary>Queue bound for a model whose batches hold at most <paramref name="maxBatchSize"/> rows.</summary>
    public int QueueCapacity(int maxBatchSize) => MaxQueueSize ?? Math.Max(1, 4 * maxBatchSize);
}
