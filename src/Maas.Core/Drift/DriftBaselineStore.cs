using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Drift;

/// <summary>
/// Versions' drift baselines in the evaluations container (<c>Registry:EvaluationContainerName</c>): reads them and
/// keeps the last <see cref="MaxCached"/> read (a baseline blob is never rewritten under the same name: names carry the
/// version's sources hash or its live window, so a cached one never goes stale), and holds what instances sampled of
/// a live baseline window until the rollup builds the baseline from it.
/// </summary>
public sealed class DriftBaselineStore(BlobServiceClient blobs, IOptions<RegistryOptions> options)
{
    /// <summary>Baselines kept in memory; beyond it the cache starts again empty.</summary>
    public const int MaxCached = 256;

    /// <summary>Values each instance keeps per feature while sampling a live baseline window (a quantile's error stays near 1%).</summary>
    public const int LiveKeptValues = 2_000;

    private readonly ConcurrentDictionary<string, DriftBaseline?> _cache = new(StringComparer.Ordinal);

    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.EvaluationContainerName);

    /// <summary>Where a version's live baseline is stored once built: named by its window, so a new window is a new blob.</summary>
    public static string LiveBaselinePath(ModelVersionRecord version, DriftConfig drift)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(drift);
        return string.Create(CultureInfo.InvariantCulture, $"{version.Name}/{version.Version}/{WindowOf(drift)}-drift-baseline.json");
    }

    /// <summary>Replaces this instance's sample of <paramref name="version"/>'s live window.</summary>
    /// <param name="sample">The instance's <see cref="BaselineCollector.ToBytes"/>.</param>
    public Task SaveLiveSampleAsync(ModelVersionRecord version, DriftConfig drift, string instance, byte[] sample, CancellationToken cancellationToken)
        => UploadAsync(LiveSamplePrefix(version, drift) + instance, BinaryData.FromBytes(sample), cancellationToken);

    /// <summary>Every instance's sample of the live window, merged; null when no instance sampled a call.</summary>
    public async Task<BaselineCollector?> ReadLiveSamplesAsync(ModelVersionRecord version, DriftConfig drift, CancellationToken cancellationToken)
    {
        BaselineCollector? merged = null;
        await foreach (var name in LiveSampleNamesAsync(version, drift, cancellationToken))
        {
            var content = await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            var sample = BaselineCollector.FromBytes(content.Value.Content.ToArray(), LiveKeptValues);
            if (merged is null)
            {
                merged = sample;
            }
            else
            {
                merged.Merge(sample);
            }
        }

        return merged;
    }

    /// <summary>Deletes the instances' samples of the live window once its baseline is stored: raw values are kept no longer than needed.</summary>
    public async Task DeleteLiveSamplesAsync(ModelVersionRecord version, DriftConfig drift, CancellationToken cancellationToken)
    {
        await foreach (var name in LiveSampleNamesAsync(version, drift, cancellationToken))
        {
            await Container.DeleteBlobIfExistsAsync(name, cancellationToken: cancellationToken);
        }
    }

    /// <summary>Writes a built baseline at <paramref name="blobPath"/>.</summary>
    public Task StoreAsync(string blobPath, DriftBaseline baseline, CancellationToken cancellationToken)
        => UploadAsync(blobPath, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(baseline, DriftBaseline.Json)), cancellationToken);

    private async Task UploadAsync(string blobPath, BinaryData content, CancellationToken cancellationToken)
    {
        var container = Container;
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await container.GetBlobClient(blobPath).UploadAsync(content, overwrite: true, cancellationToken);
    }

    /// <summary>The blobs holding the instances' samples of the live window (none before the container exists).</summary>
    private async IAsyncEnumerable<string> LiveSampleNamesAsync(ModelVersionRecord version, DriftConfig drift, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var container = Container;
        if (!await container.ExistsAsync(cancellationToken))
        {
            yield break;
        }

        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, LiveSamplePrefix(version, drift), cancellationToken))
        {
            yield return blob.Name;
        }
    }

    private static string LiveSamplePrefix(ModelVersionRecord version, DriftConfig drift)
        => string.Create(CultureInfo.InvariantCulture, $"{version.Name}/{version.Version}/live-samples/{WindowOf(drift)}/");

    private static string WindowOf(DriftConfig drift)
        => string.Create(CultureInfo.InvariantCulture, $"live-{drift.BaselineFrom!.Value.UtcDateTime:yyyyMMddHHmmss}-{drift.BaselineTo!.Value.UtcDateTime:yyyyMMddHHmmss}");

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
            var content = await Container.GetBlobClient(blobPath).DownloadContentAsync(cancellationToken);
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
