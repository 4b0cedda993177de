using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Monitoring.Drift;

/// <summary>
/// Reads versions' drift baselines from the evaluations container (<c>Registry:EvaluationContainerName</c>) and keeps
/// the last <see cref="MaxCached"/> read: a baseline blob is never rewritten under the same name (names carry the
/// version's sources hash), so a cached one never goes stale.
/// </summary>
public sealed class DriftBaselineStore(BlobServiceClient blobs, IOptions<RegistryOptions> options)
{
    /// <summary>Baselines kept in memory; beyond it the cache starts again empty.</summary>
    public const int MaxCached = 256;

    private readonly ConcurrentDictionary<string, DriftBaseline?> _cache = new(StringComparer.Ordinal);

    /// <summary>The baseline stored at <paramref name="blobPath"/>; null when the blob is gone.</summary>
    public async Task<DriftBaseline?> GetAsync(string blobPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobPath);
        if (_cache.TryGetValue(blobPath, out var cached))
        {
            return cached;
        }

        DriftBaseline? baseline;
        try
        {
            var content = await blobs.GetBlobContainerClient(options.Value.EvaluationContainerName).GetBlobClient(blobPath).DownloadContentAsync(cancellationToken);
            baseline = JsonSerializer.Deserialize<DriftBaseline>(content.Value.Content.ToMemory().Span, DriftBaseline.Json);
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return null;
        }

        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }

        _cache[blobPath] = baseline;
        return baseline;
    }
}
