using System.Buffers;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Maas.Core.Errors;
using Microsoft.Extensions.Options;

namespace Maas.Core.Batch;

/// <summary>A file of the Batch API as OpenAI describes it (<c>purpose</c> <c>batch</c> for inputs, <c>batch_output</c> for what a batch wrote).</summary>
public sealed record BatchFileInfo(string Id, string Filename, string Purpose, long Bytes, DateTimeOffset CreatedAt);

/// <summary>
/// The Batch API's files and the chunks' results, in the <c>Batch:FilesContainer</c> container: a file is the blob
/// <c>files/&lt;id&gt;</c> whose metadata names its owner (<see cref="BatchOwner"/>), purpose and name; a chunk's
/// results are <c>chunks/&lt;batch&gt;/&lt;index&gt;.output.jsonl</c> and <c>.errors.jsonl</c>, each written whole
/// by one upload, so a chunk run again replaces its own results and nothing else.
/// </summary>
public sealed class BatchFileStore(BlobServiceClient blobs, IOptions<BatchOptions> options)
{
    public const string InputPurpose = "batch";
    public const string OutputPurpose = "batch_output";

    private const string OwnerKey = "owner";
    private const string PurposeKey = "purpose";
    private const string FilenameKey = "filename";
    private const string CreatedKey = "created";

    private readonly BlobContainerClient _files = blobs.GetBlobContainerClient(options.Value.FilesContainer);
    private readonly BlobContainerClient _drops = blobs.GetBlobContainerClient(options.Value.DropContainer);
    private readonly long _maxBytes = options.Value.MaxFileBytes;
    private int _created;

    /// <summary>Stores <paramref name="content"/> as a new file of <paramref name="owner"/>: 413 when it is larger than <c>Batch:MaxFileBytes</c>.</summary>
    public async Task<BatchFileInfo> UploadAsync(string owner, string filename, string purpose, Stream content, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await EnsureContainerAsync(cancellationToken);
        var id = "file-" + Guid.NewGuid().ToString("N");
        var blob = _files.GetBlockBlobClient(FileBlob(id));
        using var limited = new MemoryStream();
        await CopyWithinLimitAsync(content, limited, cancellationToken);
        limited.Position = 0;
        await blob.UploadAsync(limited, new BlobUploadOptions { Metadata = Metadata(owner, filename, purpose, now) }, cancellationToken);
        return new BatchFileInfo(id, filename, purpose, limited.Length, now);
    }

    /// <summary>The file <paramref name="id"/> of <paramref name="owner"/>, or null (another owner's file is none of theirs).</summary>
    public async Task<BatchFileInfo?> GetAsync(string owner, string id, CancellationToken cancellationToken)
    {
        if (!IsFileId(id))
        {
            return null;
        }

        try
        {
            var properties = await _files.GetBlobClient(FileBlob(id)).GetPropertiesAsync(cancellationToken: cancellationToken);
            return properties.Value.Metadata.TryGetValue(OwnerKey, out var stored) && stored == owner ? InfoOf(id, properties.Value) : null;
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The content of a file <see cref="GetAsync"/> found (its owner checked there).</summary>
    public async Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken)
        => (await _files.GetBlobClient(FileBlob(id)).DownloadStreamingAsync(cancellationToken: cancellationToken)).Value.Content;

    public async Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken)
    {
        if (await GetAsync(owner, id, cancellationToken) is null)
        {
            return false;
        }

        return await _files.GetBlobClient(FileBlob(id)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
    }

    /// <summary>The blob <paramref name="path"/> of the drop container, or null when there is none.</summary>
    public async Task<BinaryData?> ReadDropAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return (await _drops.GetBlobClient(path).DownloadContentAsync(cancellationToken)).Value.Content;
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The whole input of <paramref name="batch"/>: its input file, or its dropped blob.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadInputAsync(BatchRecord batch, CancellationToken cancellationToken)
    {
        var download = await InputOf(batch).DownloadContentAsync(cancellationToken);
        return download.Value.Content.ToMemory();
    }

    /// <summary>Bytes [<paramref name="offset"/>, +<paramref name="length"/>) of <paramref name="batch"/>'s input: one chunk's lines.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadInputRangeAsync(BatchRecord batch, long offset, long length, CancellationToken cancellationToken)
    {
        var download = await InputOf(batch).DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(offset, length) }, cancellationToken);
        return download.Value.Content.ToMemory();
    }

    /// <summary>Writes chunk <paramref name="index"/>'s results whole, replacing any earlier run of the same chunk.</summary>
    public async Task WriteChunkAsync(string batchId, int index, ReadOnlyMemory<byte> output, ReadOnlyMemory<byte> errors, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await _files.GetBlobClient(ChunkBlob(batchId, index, "output")).UploadAsync(BinaryData.FromBytes(output), overwrite: true, cancellationToken);
        await _files.GetBlobClient(ChunkBlob(batchId, index, "errors")).UploadAsync(BinaryData.FromBytes(errors), overwrite: true, cancellationToken);
    }

    /// <summary>
    /// Joins the results of <paramref name="chunks"/>, in order, into the batch's output and error files (for a dropped
    /// batch: its output blobs beside its input), rewriting the same files when run again. Returns the two file ids
    /// (null for a dropped batch, or where nothing went to that file).
    /// </summary>
    public async Task<(string? OutputFileId, string? ErrorFileId)> AssembleAsync(BatchRecord batch, IReadOnlyList<int> chunks, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(chunks);
        await EnsureContainerAsync(cancellationToken);
        var outputId = await JoinAsync(batch, chunks, "output", now, cancellationToken);
        var errorId = await JoinAsync(batch, chunks, "errors", now, cancellationToken);
        return (outputId, errorId);
    }

    /// <summary>Deletes the results of <paramref name="chunks"/> once the batch's files hold them (those already gone are skipped).</summary>
    public async Task DeleteChunksAsync(string batchId, IReadOnlyList<int> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var index in chunks)
        {
            await _files.GetBlobClient(ChunkBlob(batchId, index, "output")).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            await _files.GetBlobClient(ChunkBlob(batchId, index, "errors")).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    private async Task<string?> JoinAsync(BatchRecord batch, IReadOnlyList<int> chunks, string kind, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The file's id derives from the batch, so finalizing again (a retried activity) rewrites the same file.
        var id = "file-" + batch.Id["batch_".Length..] + (kind == "output" ? "o" : "e");
        var target = batch.Drop is { } drop
            ? _drops.GetBlockBlobClient(kind == "output" ? drop.OutputBlob : drop.ErrorBlob)
            : _files.GetBlockBlobClient(FileBlob(id));
        long bytes = 0;
        var writeOptions = new BlockBlobOpenWriteOptions
        {
            Metadata = batch.Drop is null ? Metadata(batch.Owner, $"{batch.Id}_{kind}.jsonl", OutputPurpose, now) : null,
        };
        await using (var writer = await target.OpenWriteAsync(overwrite: true, writeOptions, cancellationToken))
        {
            foreach (var index in chunks)
            {
                var source = _files.GetBlobClient(ChunkBlob(batch.Id, index, kind));
                var content = await source.DownloadStreamingAsync(cancellationToken: cancellationToken);
                await using var stream = content.Value.Content;
                await stream.CopyToAsync(writer, cancellationToken);
                bytes += content.Value.Details.ContentLength;
            }
        }

        return batch.Drop is null && bytes > 0 ? id : null;
    }

    private BlobClient InputOf(BatchRecord batch)
        => batch.Drop is { } drop ? _drops.GetBlobClient(drop.InputBlob) : _files.GetBlobClient(FileBlob(batch.InputFileId));

    private async Task CopyWithinLimitAsync(Stream content, Stream target, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > _maxBytes)
            {
                throw new MaasException(ErrorKind.PayloadTooLarge, string.Create(CultureInfo.InvariantCulture, $"The file is larger than {_maxBytes} bytes, the most a batch file may hold (Batch:MaxFileBytes); split it into several batches."))
                {
                    Field = "file",
                };
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static Dictionary<string, string> Metadata(string owner, string filename, string purpose, DateTimeOffset now) => new()
    {
        [OwnerKey] = owner,
        [PurposeKey] = purpose,
        // Metadata holds ASCII only: the name as the caller gave it, base64-encoded.
        [FilenameKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes(filename)),
        [CreatedKey] = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
    };

    private static BatchFileInfo InfoOf(string id, BlobProperties properties)
    {
        var metadata = properties.Metadata;
        return new BatchFileInfo(
            id,
            Encoding.UTF8.GetString(Convert.FromBase64String(metadata[FilenameKey])),
            metadata[PurposeKey],
            properties.ContentLength,
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(metadata[CreatedKey], CultureInfo.InvariantCulture)));
    }

    private static readonly SearchValues<char> FileIdCharacters = SearchValues.Create("0123456789abcdefo");

    private static bool IsFileId(string id)
        => id.StartsWith("file-", StringComparison.Ordinal) && id.Length <= 64 && id.AsSpan(5).IndexOfAnyExcept(FileIdCharacters) < 0;

    private static string FileBlob(string id) => "files/" + id;

    private static string ChunkBlob(string batchId, int index, string kind)
        => string.Create(CultureInfo.InvariantCulture, $"chunks/{batchId}/{index:D6}.{kind}.jsonl");

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await _files.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            Volatile.Write(ref _created, 1);
        }
    }
}
