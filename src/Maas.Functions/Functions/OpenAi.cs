using Maas.Core.Protocol.OpenAI;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>
/// The OpenAI-compatible API under <c>/v1</c>: chat completions and completions (streamed as server-sent events when
/// asked), embeddings, and the models list, so the official OpenAI client libraries work against the app's URL.
/// </summary>
public sealed class OpenAi(OpenAiService openAi)
{
    [Function(nameof(CreateChatCompletion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> CreateChatCompletion([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/chat/completions")] HttpRequest request)
        => openAi.CompleteAsync(request, chat: true);

    [Function(nameof(CreateCompletion))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> CreateCompletion([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/completions")] HttpRequest request)
        => openAi.CompleteAsync(request, chat: false);

    [Function(nameof(CreateEmbeddings))]
    [RequiresPermission(Permissions.Predict)]
    public Task<IActionResult> CreateEmbeddings([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/embeddings")] HttpRequest request)
        => openAi.EmbedAsync(request);

    [Function(nameof(ListOpenAiModels))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> ListOpenAiModels([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models")] HttpRequest request)
        => new EncodedResponseResult(await openAi.ListModelsAsync(request.HttpContext.RequestAborted));

    [Function(nameof(GetOpenAiModel))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetOpenAiModel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models/{name}")] HttpRequest request, string name)
        => new EncodedResponseResult(await openAi.GetModelAsync(name, request.HttpContext.RequestAborted));

    [Function(nameof(GetOpenAiModelVersion))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetOpenAiModelVersion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models/{name}/versions/{version}")] HttpRequest request,
        string name,
        string version)
        => new EncodedResponseResult(await openAi.GetModelAsync($"{name}/versions/{version}", request.HttpContext.RequestAborted));
}
