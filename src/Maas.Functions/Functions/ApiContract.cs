using Maas.Core.Errors;
using Maas.Core.Protocol.OpenApi;
using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>
/// The contract of the app (<c>GET /openapi.json</c>: the service and its list of models; <c>GET /models/{name}/openapi.json</c>:
/// a model's typed predictions), its servers the base URL the caller reached, and the interactive docs page over them
/// (<c>GET /docs</c>, Swagger UI served from the app's own files, with a model picker), and the pages' files.
/// </summary>
public sealed class ApiContract(OpenApiDocuments documents, ApiSecurity security)
{
    [Function(nameof(GetContract))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetContract([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request)
        => Json(await documents.GetJsonAsync(model: null, security.OpenApi, request.HttpContext.RequestAborted, PublicBaseUrl.Of(request)));

    [Function(nameof(GetModelContract))]
    [RequiresPermission(Permissions.Read)]
    public async Task<IActionResult> GetModelContract([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models/{name}/openapi.json")] HttpRequest request, string name)
        => Json(await documents.GetJsonAsync(name, security.OpenApi, request.HttpContext.RequestAborted, PublicBaseUrl.Of(request)));

    /// <summary>The page itself needs no token: with Entra ID on, it signs the user in before it loads the document.</summary>
    [Function(nameof(Docs))]
    [AllowAnonymous]
    public IActionResult Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest request)
        => PageAssets.Render(PageAssets.DocsPage, security.PageConfigJson());

    [Function(nameof(DocsAsset))]
    [AllowAnonymous]
    public IActionResult DocsAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/{file}")] HttpRequest request, string file)
        => PageAssets.Find(file) is { } asset
            ? new FileContentResult(asset.Bytes, asset.ContentType)
            : throw new MaasException(ErrorKind.NotFound, $"The docs page has no file '{file}'.");

    private static ContentResult Json(string json) => new() { Content = json, ContentType = "application/json", StatusCode = StatusCodes.Status200OK };
}
