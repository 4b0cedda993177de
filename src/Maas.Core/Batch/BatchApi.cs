using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Protocol;
using Maas.Core.Serving;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace Maas.Core.Batch;

/// <summary>
/// The Batch API (<c>/v1/files</c>, <c>/v1/batches</c>) as OpenAI's client libraries call it, one direction: read the request, act on the caller's own
/// files and batches (<see cref="BatchFileStore"/>, <see cref="BatchJobs"/>; another caller's are not found), encode
/// OpenAI's objects. The caller's key is <see cref="BatchOwner.KeyOf(Caller)"/>.
/// </summary>
public sealed class BatchApi(BatchJobs jobs, BatchFileStore files, IOptions<LimitsOptions> limits, IOptions<BatchOptions> options, TimeProvider clock)
{
    /// <summary><c>POST /v1/files</c>: a multipart form's <c>purpose</c> (<c>batch</c>) and <c>file</c>, read by the transport.</summary>
    public async Task<EncodedResponse> UploadFileAsync(Caller caller, string? purpose, string? filename, Stream? content, CancellationToken cancellationToken)
    {
        if (purpose != BatchFileStore.InputPurpose)
        {
            throw new MaasException(ErrorKind.InvalidInput, "'purpose' must be \"batch\": this service keeps files for the Batch API only.") { Field = "purpose" };
        }

        if (content is null)
        {
            throw new MaasException(ErrorKind.InvalidInput, "'file' is required: send the JSONL as the multipart form's file part.") { Field = "file" };
        }

        var file = await files.UploadAsync(BatchOwner.KeyOf(caller), string.IsNullOrWhiteSpace(filename) ? "upload.jsonl" : filename, purpose, content, clock.GetUtcNow(), cancellationToken);
        return FileObject(file);
    }

    public async Task<EncodedResponse> GetFileAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var file = await FileOf(caller, id, cancellationToken);
        return FileObject(file);
    }

    /// <summary>OpenAI's file object, expiring <c>Batch:RetentionDays</c> after it was created.</summary>
    private EncodedResponse FileObject(BatchFileInfo file) => Encode(output => BatchApiObjects.WriteFile(output, file, TimeSpan.FromDays(options.Value.RetentionDays)));

    /// <summary><c>GET /v1/files/{id}/content</c>: the file's bytes, streamed from storage.</summary>
    public async Task<(BatchFileInfo File, Stream Content)> OpenFileAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var file = await FileOf(caller, id, cancellationToken);
        return (file, await files.OpenReadAsync(file.Id, cancellationToken));
    }

    public async Task<EncodedResponse> DeleteFileAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (!await files.DeleteAsync(BatchOwner.KeyOf(caller), id, cancellationToken))
        {
            throw FileNotFound(id);
        }

        return Encode(output => BatchApiObjects.WriteFileDeleted(output, id));
    }

    public async Task<EncodedResponse> CreateBatchAsync(DurableTaskClient durable, WireRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        BatchCreation creation;
        using (var body = await RequestBody.ReadAsync(request, limits.Value.MaxRequestBytes, cancellationToken, MediaTypes.Json))
        {
            creation = BatchApiRequests.ReadCreate(body.WrittenMemory.Span);
        }

        var batch = await jobs.SubmitAsync(durable, BatchOwner.KeyOf(caller), BatchOwner.Keep(caller), creation.Endpoint, creation.InputFileId, creation.Metadata, cancellationToken);
        return Encode(output => BatchApiObjects.WriteBatch(output, batch));
    }

    public async Task<EncodedResponse> GetBatchAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var batch = await jobs.GetAsync(BatchOwner.KeyOf(caller), id, cancellationToken);
        return Encode(output => BatchApiObjects.WriteBatch(output, batch));
    }

    /// <summary><c>GET /v1/batches?after=&amp;limit=</c>: the caller's batches, newest first.</summary>
    public async Task<EncodedResponse> ListBatchesAsync(Caller caller, string? after, string? limit, CancellationToken cancellationToken)
    {
        int? pageSize = null;
        if (limit is not null)
        {
            pageSize = int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new MaasException(ErrorKind.InvalidInput, $"'limit' must be a whole number between 1 and {BatchJobs.MaxPageSize}.") { Field = "limit" };
        }

        var (page, hasMore) = await jobs.ListAsync(BatchOwner.KeyOf(caller), after, pageSize, cancellationToken);
        return Encode(output => BatchApiObjects.WriteBatchList(output, page, hasMore));
    }

    public async Task<EncodedResponse> CancelBatchAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        var batch = await jobs.CancelAsync(BatchOwner.KeyOf(caller), id, cancellationToken);
        return Encode(output => BatchApiObjects.WriteBatch(output, batch));
    }

    private async Task<BatchFileInfo> FileOf(Caller caller, string id, CancellationToken cancellationToken)
        => await files.GetAsync(BatchOwner.KeyOf(caller), id, cancellationToken) ?? throw FileNotFound(id);

    private static MaasException FileNotFound(string id)
        => new(ErrorKind.NotFound, $"No file {id} of yours; upload one with POST /v1/files.") { Field = "file_id" };

    private static EncodedResponse Encode(Action<PooledBufferWriter> write)
    {
        var output = new PooledBufferWriter();
        write(output);
        return new EncodedResponse(output, MediaTypes.Json);
    }
}
