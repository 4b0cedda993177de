using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Maas.Cli.Output;

namespace Maas.Cli.Push;

/// <summary>
/// Uploads one version in an order that can never serve a half-uploaded version: config.json (only when it changed),
/// the external-data files and the evaluation set, and model.onnx last, committed with its <c>sha256</c> metadata. Registration
/// starts from model.onnx, so until it lands the version does not exist; if the push fails or is cancelled before, the
/// files it uploaded to the version folder are deleted again.
/// </summary>
public sealed class VersionUpload(BlobContainerClient models, IUploadProgress progress)
{
    private const string Sha256MetadataKey = "sha256";

    /// <summary>The next free version: one above the highest <c>&lt;name&gt;/&lt;version&gt;/</c> folder in the container.</summary>
    public static async Task<long> NextVersionAsync(BlobContainerClient models, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(models);
        long highest = 0;
        try
        {
            await foreach (var folder in models.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", name + "/", cancellationToken))
            {
                if (folder.IsPrefix && long.TryParse(folder.Prefix[(name.Length + 1)..].TrimEnd('/'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
                {
                    highest = Math.Max(highest, version);
                }
            }
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            // No container yet: the first push creates it.
        }

        return highest + 1;
    }

    /// <summary>Uploads the files; returns the graph's SHA-256. Throws when the version's model.onnx already exists.</summary>
    public async Task<string> UploadAsync(string name, long version, PushFiles files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        await models.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var folder = string.Create(CultureInfo.InvariantCulture, $"{name}/{version}/");
        if (await models.GetBlobClient(folder + PushFiles.GraphFileName).ExistsAsync(cancellationToken))
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{name} version {version} already exists; push with --next, or remove it first (maas rm {name}/{version})."), ExitCodes.Usage);
        }

        if (files.Config is not null)
        {
            await UploadConfigAsync(name, files.Config, cancellationToken);
        }

        var uploaded = new List<string>();
        try
        {
            foreach (var (relative, path) in files.ExternalData)
            {
                await UploadFileAsync(folder + relative, path, metadata: null, cancellationToken);
                uploaded.Add(folder + relative);
            }

            if (files.EvaluationSet is not null)
            {
                await UploadFileAsync(folder + PushFiles.EvaluationFileName, files.EvaluationSet, metadata: null, cancellationToken);
                uploaded.Add(folder + PushFiles.EvaluationFileName);
            }

            return await UploadGraphAsync(folder + PushFiles.GraphFileName, files.Graph, cancellationToken);
        }
        catch (Exception) when (uploaded.Count > 0)
        {
            // model.onnx never landed, so nothing registered; take back the rest (best effort, not cancellable).
            foreach (var blob in uploaded)
            {
                await models.GetBlobClient(blob).DeleteIfExistsAsync(cancellationToken: CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>Uploads config.json unless the container already holds the same bytes (a new config.json re-registers every version).</summary>
    private async Task UploadConfigAsync(string name, string path, CancellationToken cancellationToken)
    {
        var blob = models.GetBlobClient($"{name}/{PushFiles.ConfigFileName}");
        var local = await File.ReadAllBytesAsync(path, cancellationToken);
        try
        {
            var current = await blob.DownloadContentAsync(cancellationToken);
            if (current.Value.Content.ToMemory().Span.SequenceEqual(local))
            {
                progress.Skipped(PushFiles.ConfigFileName, "unchanged");
                return;
            }
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            // No config.json yet.
        }

        await UploadFileAsync(blob.Name, path, metadata: null, cancellationToken);
    }

    private async Task UploadFileAsync(string blobName, string path, IDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        var file = progress.Start(blobName, length);
        await models.GetBlobClient(blobName).UploadAsync(
            path,
            new BlobUploadOptions { Metadata = metadata, ProgressHandler = file },
            cancellationToken);
        progress.Done(blobName, length);
    }

    /// <summary>
    /// Uploads the graph as blocks of up to <see cref="BlockBytes"/>, streamed from the file, while another core hashes
    /// the file, then commits them with the <c>sha256</c> metadata. The blob exists only from the commit on, so the
    /// trigger never sees it without its checksum or half-written; a cancelled upload leaves only uncommitted blocks,
    /// which storage discards.
    /// </summary>
    private async Task<string> UploadGraphAsync(string blobName, string path, CancellationToken cancellationToken)
    {
        var blob = models.GetBlockBlobClient(blobName);
        var length = new FileInfo(path).Length;
        var report = progress.Start(blobName, length);
        var hashing = Task.Run(() => Sha256Async(path, cancellationToken), cancellationToken);
        var blocks = new List<string>();
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferBytes, useAsync: true))
        {
            for (long offset = 0; offset < length || blocks.Count == 0; offset += BlockBytes)
            {
                var id = Convert.ToBase64String(BitConverter.GetBytes((long)blocks.Count));
                await using var segment = new FileSegmentStream(file, offset, Math.Min(BlockBytes, length - offset));
                var sent = offset;
                await blob.StageBlockAsync(id, segment, new BlockBlobStageBlockOptions { ProgressHandler = new Progress(bytes => report.Report(sent + bytes)) }, cancellationToken);
                blocks.Add(id);
            }
        }

        var sha256 = await hashing;
        await blob.CommitBlockListAsync(blocks, new CommitBlockListOptions { Metadata = new Dictionary<string, string> { [Sha256MetadataKey] = sha256 } }, cancellationToken);
        progress.Done(blobName, length);
        return sha256;
    }

    /// <summary>The largest block staged: Azure allows 4000 MiB, Azurite 100 MiB.</summary>
    public const long BlockBytes = 100L * 1024 * 1024;

    private const int CopyBufferBytes = 1024 * 1024;

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferBytes, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    /// <summary>A progress callback as a delegate.</summary>
    private sealed class Progress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
