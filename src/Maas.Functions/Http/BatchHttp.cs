using Maas.Core.Errors;
using Maas.Core.Protocol;
using Maas.Core.Batch;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Http;

/// <summary>Hands the Batch API's HTTP requests to <see cref="BatchApi"/> with their caller: the multipart upload read here, file content streamed back.</summary>
internal static class BatchHttp
{
    private const string FormPurpose = "purpose";
    private const string FormFile = "file";

    /// <summary><c>POST /v1/files</c>: 415 unless multipart/form-data, 413 past the form's limits, then the upload.</summary>
    public static async Task<IActionResult> UploadFileAsync(this BatchApi batches, HttpRequest request)
    {
        var http = request.HttpContext;
        if (!request.HasFormContentType)
        {
            throw new MaasException(ErrorKind.UnsupportedMediaType, "POST /v1/files takes multipart/form-data with fields 'purpose' (\"batch\") and 'file' (the JSONL).");
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            throw new MaasException(ErrorKind.PayloadTooLarge, "The multipart form is larger than this service reads, or malformed; send one 'file' part of at most Batch:MaxFileBytes bytes.") { Field = FormFile };
        }

        var file = form.Files.GetFile(FormFile);
        await using var content = file?.OpenReadStream();
        return new EncodedResponseResult(await batches.UploadFileAsync(AuthMiddleware.CallerOf(http), form[FormPurpose].ToString(), file?.FileName, content, http.RequestAborted));
    }

    /// <summary><c>GET /v1/files/{id}/content</c>: the file's bytes as they were stored.</summary>
    public static async Task<IActionResult> FileContentAsync(this BatchApi batches, HttpRequest request, string id)
    {
        var http = request.HttpContext;
        var (file, content) = await batches.OpenFileAsync(AuthMiddleware.CallerOf(http), id, http.RequestAborted);
        return new FileStreamResult(content, "application/jsonl") { FileDownloadName = file.Filename };
    }

    public static async Task<IActionResult> RespondAsync(this HttpRequest request, Func<Core.Serving.Caller, CancellationToken, Task<EncodedResponse>> call)
    {
        var http = request.HttpContext;
        return new EncodedResponseResult(await call(AuthMiddleware.CallerOf(http), http.RequestAborted));
    }
}
