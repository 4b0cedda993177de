namespace Maas.Core.Registry;

/// <summary>The <c>dynamicBatching</c> block of a model's config.json.</summary>
public sealed record DynamicBatchingConfig(int MaxQueueDelayMs, IReadOnlyList<int> PreferredBatchSizes);
