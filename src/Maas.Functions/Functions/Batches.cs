using Maas.Core.Batch;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace Maas.Functions.Functions;

/// <summary>
/// The Batch API, as OpenAI's client libraries call it: files (<c>/v1/files</c>) and batches (<c>/v1/batches</c>).
/// Creating needs <c>Models.Predict</c>; a caller sees, cancels and downloads only what it created (others get 404).
/// These calls are not predictions: a batch's lines are recorded as they run.
/// </summary>
public sealed class Batches(BatchApi batches)
{
    [Function(nameof(UploadFile))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> UploadFile([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/files")] HttpRequest request)
        => batches.UploadFileAsync(request);

    [Function(nameof(GetFile))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> GetFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/files/{id}")] HttpRequest request, string id)
        => request.RespondAsync((caller, cancellationToken) => batches.GetFileAsync(caller, id, cancellationToken));

    [Function(nameof(GetFileContent))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> GetFileContent([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/files/{id}/content")] HttpRequest request, string id)
        => batches.FileContentAsync(request, id);

    [Function(nameof(DeleteFile))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> DeleteFile([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/files/{id}")] HttpRequest request, string id)
        => request.RespondAsync((caller, cancellationToken) => batches.DeleteFileAsync(caller, id, cancellationToken));

    [Function(nameof(CreateBatch))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> CreateBatch(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/batches")] HttpRequest request,
        [DurableClient] DurableTaskClient durable)
        => request.RespondAsync((caller, cancellationToken) => batches.CreateBatchAsync(durable, request.WireOf(), caller, cancellationToken));

    [Function(nameof(ListBatches))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> ListBatches([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/batches")] HttpRequest request)
        => request.RespondAsync((caller, cancellationToken) => batches.ListBatchesAsync(caller, request.Query["after"].FirstOrDefault(), request.Query["limit"].FirstOrDefault(), cancellationToken));

    [Function(nameof(GetBatch))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> GetBatch([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/batches/{id}")] HttpRequest request, string id)
        => request.RespondAsync((caller, cancellationToken) => batches.GetBatchAsync(caller, id, cancellationToken));

    [Function(nameof(CancelBatch))]
    [RequiresPermission(Permissions.Predict, Metered = false)]
    public Task<IActionResult> CancelBatch([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/batches/{id}/cancel")] HttpRequest request, string id)
        => request.RespondAsync((caller, cancellationToken) => batches.CancelBatchAsync(caller, id, cancellationToken));
}
