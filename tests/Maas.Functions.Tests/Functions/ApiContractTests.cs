using System.Text.Json.Nodes;
using Maas.Core.Errors;
using Maas.Core.Protocol.OpenApi;
using Maas.Functions.Auth;
using Maas.Functions.Functions;
using Maas.TestKit;
using Maas.TestKit.Auth;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Tests.Functions;

/// <summary>The contract and docs functions: the document as served, the page's configuration, Swagger UI's files from the app.</summary>
[Collection(UsesAzurite.Name)]
public sealed class ApiContractTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task GetContract_EntraIdOn_DeclaresTheTenantsOAuth2AndWritesTheDocumentForTheLinter()
    {
        var linear = await _serving.AddModelAsync(TestModels.Linear(), """{"labels":{"y":["a","b","c"]}}""");
        await _serving.AddModelAsync(TestModels.MultiInputOutput());
        var classifier = await _serving.AddModelAsync(TestModels.Classifier());
        var contract = Contract(AuthMode.EntraId);

        var json = Content(await contract.GetContract(new DefaultHttpContext().Request));

        var flow = JsonNode.Parse(json)!["components"]!["securitySchemes"]![OpenApiContract.SecuritySchemeName]!["flows"]!["authorizationCode"]!;
        Assert.Equal($"https://login.microsoftonline.com/{TestTokenIssuer.TenantId}/oauth2/v2.0/authorize", flow["authorizationUrl"]!.GetValue<string>());
        Assert.NotNull(flow["scopes"]![$"api://{TestTokenIssuer.ClientId}/Models.Predict"]);

        // scripts/test.sh lints these files with an independent tool (@redocly/cli): the service document and two models' documents.
        var folder = RepoPaths.Combine("TestResults", "openapi");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "openapi.json"), json);
        await File.WriteAllTextAsync(Path.Combine(folder, "model-linear.json"), Content(await contract.GetModelContract(new DefaultHttpContext().Request, linear)));
        await File.WriteAllTextAsync(Path.Combine(folder, "model-classifier.json"), Content(await contract.GetModelContract(new DefaultHttpContext().Request, classifier)));
    }

    /// <summary>Generated clients need an absolute server: the one the caller reached, as the front end and the Functions host forward it.</summary>
    [Theory]
    [InlineData(null, null, "http://worker.internal:7071/")]
    [InlineData("https", "maas.azurewebsites.net", "https://maas.azurewebsites.net/")]
    [InlineData("https,http", "maas.example.net, 10.0.0.4:7071", "https://maas.example.net/")]
    public async Task GetContract_Servers_IsTheBaseUrlTheCallerReached(string? forwardedProto, string? forwardedHost, string expected)
    {
        var http = new DefaultHttpContext();
        (http.Request.Scheme, http.Request.Host) = ("http", new HostString("worker.internal:7071"));
        if (forwardedProto is not null)
        {
            (http.Request.Headers["X-Forwarded-Proto"], http.Request.Headers["X-Forwarded-Host"]) = (forwardedProto, forwardedHost);
        }

        var json = Content(await Contract(AuthMode.Disabled).GetContract(http.Request));

        Assert.Equal(expected, JsonNode.Parse(json)!["servers"]![0]!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetModelContract_OneModel_DescribesItsPredictionsOnly()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var paths = JsonNode.Parse(Content(await Contract(AuthMode.Disabled).GetModelContract(new DefaultHttpContext().Request, name)))!["paths"]!.AsObject();

        Assert.All(paths, path => Assert.Contains($"/{name}/", path.Key, StringComparison.Ordinal));
        Assert.Contains($"/models/{name}/predict", paths.Select(p => p.Key));
    }

    [Fact]
    public void Docs_AuthDisabled_LoadsSwaggerUiFromTheAppWithoutSignIn()
    {
        var page = Content(Contract(AuthMode.Disabled).Docs(new DefaultHttpContext().Request));

        Assert.Contains("""{"auth":null}""", page, StringComparison.Ordinal);
        Assert.Contains("src=\"/docs/swagger-ui-bundle.js\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Docs_EntraIdOn_CarriesTheClientAndScopesForSignIn()
    {
        var page = Content(Contract(AuthMode.EntraId).Docs(new DefaultHttpContext().Request));

        Assert.Contains($"\"clientId\":\"{TestTokenIssuer.ClientId}\"", page, StringComparison.Ordinal);
        Assert.Contains($"api://{TestTokenIssuer.ClientId}/Models.Read", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("swagger-ui-bundle.js", "text/javascript")]
    [InlineData("swagger-ui.css", "text/css")]
    [InlineData("maas-docs.js", "text/javascript")]
    public void DocsAsset_KnownFile_IsServedFromTheAppsAssemblies(string file, string contentType)
    {
        var result = Assert.IsType<FileContentResult>(Contract(AuthMode.Disabled).DocsAsset(new DefaultHttpContext().Request, file));

        Assert.Equal(contentType, result.ContentType);
        Assert.True(result.FileContents.Length > 100);
        Assert.NotEqual(0x1F, result.FileContents[0]);
    }

    [Fact]
    public void DocsAsset_UnknownFile_IsNotFound()
    {
        var error = Assert.Throws<MaasException>(() => Contract(AuthMode.Disabled).DocsAsset(new DefaultHttpContext().Request, "../appsettings.json"));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    public void Dispose() => _serving.Dispose();

    private ApiContract Contract(AuthMode mode)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TestTokenIssuer.Settings.Select(s => KeyValuePair.Create(s.Key, s.Value))).Build();
        return new ApiContract(new OpenApiDocuments(_serving.Catalog), new ApiSecurity(Options.Create(new AuthOptions { Mode = mode }), configuration));
    }

    private static string Content(IActionResult result) => Assert.IsType<ContentResult>(result).Content!;
}
