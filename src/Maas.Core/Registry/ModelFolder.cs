using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Maas.Core.Registry;

/// <summary>
/// A private local copy of one version folder (graph plus external-data files), made in one read of each blob with
/// the graph hashed as it is written. ONNX Runtime loads the graph from here: loading from a file, never from memory,
/// is deliberate, because ONNX Runtime resolves external-data paths of an in-memory graph against the working directory.
/// Disposing deletes the folder.
/// </summary>
public sealed class ModelFolder : IDisposable
{
    private const int CopyBufferBytes = 1024 * 1024;
    private readonly DirectoryInfo _directory;

    private ModelFolder(DirectoryInfo directory) => _directory = directory;

    public string FullPath => _directory.FullName;

    public string GraphPath => Path.Combine(_directory.FullName, ModelBlobPath.GraphFileName);

    /// <summary>Hex SHA-256 of model.onnx as copied.</summary>
    public string Sha256 { get; private set; } = string.Empty;

    /// <summary>Bytes of every file copied.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>
    /// Copies <paramref name="files"/> (relative name → listed blob) into a new temp folder whose name starts with
    /// <paramref name="tempPrefix"/>. Each blob is read only if it still has the listed ETag.
    /// </summary>
    public static async Task<ModelFolder> DownloadAsync(
        BlobContainerClient container,
        IReadOnlyDictionary<string, BlobItem> files,
        string tempPrefix,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(files);
        var folder = new ModelFolder(Directory.CreateTempSubdirectory(tempPrefix));
        try
        {
            foreach (var (relative, item) in files)
            {
                var target = Path.Combine(folder.FullPath, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                // One streaming GET per blob, conditional on the listed ETag (a change mid-copy fails with 412).
                var download = await container.GetBlobClient(item.Name).DownloadStreamingAsync(
                    new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = item.Properties.ETag } },
                    cancellationToken);
                await using var source = download.Value.Content;
                await using var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferBytes, useAsync: true);
                var hash = await CopyAsync(source, file, relative == ModelBlobPath.GraphFileName, cancellationToken);
                folder.TotalBytes += file.Length;
                if (hash is not null)
                {
                    folder.Sha256 = hash;
                }
            }

            return folder;
        }
        catch
        {
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Every blob of the version folder <c>&lt;name&gt;/&lt;version&gt;/</c>, keyed by its name relative to the folder.</summary>
    public static async Task<Dictionary<string, BlobItem>> ListAsync(BlobContainerClient container, string folderPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(folderPrefix);
        var files = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, folderPrefix, cancellationToken))
        {
            files[item.Name[folderPrefix.Length..]] = item;
        }

        return files;
    }

    /// <summary>
    /// What a version's registration was made from: each file of its folder with its ETag, and the model's config.json
    /// ETag ("none" without one). Equal fingerprints mean nothing changed. ETags are compared without their quotes,
    /// which a listing and a download report differently.
    /// </summary>
    public static string Fingerprint(IEnumerable<KeyValuePair<string, BlobItem>> files, ETag? config)
    {
        ArgumentNullException.ThrowIfNull(files);
        return string.Join(
            ';',
            files.OrderBy(file => file.Key, StringComparer.Ordinal)
                .Select(file => $"{file.Key}={Bare(file.Value.Properties.ETag)}")
                .Append($"config={(config is { } etag ? Bare(etag) : "none")}"));
    }

    private static string Bare(ETag? etag) => etag?.ToString().Trim('"') ?? string.Empty;

    /// <summary>Removes <paramref name="text"/>'s mentions of this folder, so messages never reveal local paths.</summary>
    public string Redact(string text) => Redact(FullPath, text);

    /// <summary>Removes <paramref name="text"/>'s mentions of the folder at <paramref name="folderPath"/>.</summary>
    public static string Redact(string folderPath, string text)
    {
        ArgumentNullException.ThrowIfNull(folderPath);
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace(folderPath + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal).Replace(folderPath, string.Empty, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            _directory.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone: nothing to clean.
        }
    }

    private static async Task<string?> CopyAsync(Stream source, Stream target, bool hash, CancellationToken cancellationToken)
    {
        using var sha = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        var buffer = new byte[CopyBufferBytes];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha?.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return sha is null ? null : Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Every valid <c>&lt;name&gt;/&lt;version&gt;/model.onnx</c> under <paramref name="prefix"/> (the whole container when empty).</summary>
    public static async IAsyncEnumerable<ModelBlobPath> ListGraphsAsync(
        BlobContainerClient container,
        string prefix,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken))
        {
            if (ModelBlobPath.TryParse(item.Name, out var parsed, out _) && parsed.IsGraph)
            {
                yield return parsed;
            }
        }
    }

    /// <summary>The model's config.json and its ETag, or nulls when it has none.</summary>
    public static async Task<(byte[]? Bytes, ETag? ETag)> ReadConfigAsync(BlobContainerClient container, string name, CancellationToken cancellationToken)
    {
        try
        {
            var config = await container.GetBlobClient($"{name}/{ModelBlobPath.ConfigFileName}").DownloadContentAsync(cancellationToken);
            return (config.Value.Content.ToArray(), config.Value.Details.ETag);
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return (null, null);
        }
    }
}
