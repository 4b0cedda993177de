using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Maas.Core.Errors;
using Maas.Core.Protocol.OpenApi;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.OpenApi;

namespace Maas.Core.Tests.Protocol.OpenApi;

/// <summary>
/// The document of real registered models: every operation's example validates against its own request schema and
/// runs on the model; requests that break the schema are refused by the service too; new versions show up at once.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class OpenApiDocumentsTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    public static TheoryData<string> Models => ["identities", "linear", "multi", "classifier", "configured example"];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task GetJsonAsync_EveryPredictionExample_ValidatesAgainstItsSchemaAndRunsOnTheModel(string models)
    {
        var names = await RegisterAsync(models);

        foreach (var name in names)
        {
            var document = await DocumentAsync(name);
            Assert.Empty(OpenApiDocument.Parse(document.ToJsonString(), "json").Diagnostic!.Errors);
            var operations = document["paths"]!.AsObject().Where(p => p.Value!["post"] is not null).ToList();
            Assert.NotEmpty(operations);
            foreach (var (path, item) in operations)
            {
                var content = item!["post"]!["requestBody"]!["content"]!["application/json"]!;
                var example = content["example"]!;
                var verdict = Schema(content["schema"]!).Evaluate(JsonDocument.Parse(example.ToJsonString()).RootElement);
                Assert.True(verdict.IsValid, $"{path}: the example does not fit its schema");
                using var response = await RunAsync(path, name, example.ToJsonString());
                Assert.True(response.Body.Length > 0, path);
            }
        }
    }

    public static TheoryData<string, string> SchemaBreakers => new()
    {
        { "wrong element type", """{"inputs":{"x":[[1,2,"three",4]]}}""" },
        { "missing input", """{"inputs":{}}""" },
        { "wrong fixed dimension", """{"inputs":{"x":[[1,2,3]]}}""" },
        { "unknown input", """{"inputs":{"x":[[1,2,3,4]],"z":[1]}}""" },
    };

    [Theory]
    [MemberData(nameof(SchemaBreakers))]
    public async Task SimpleRequestBreakingTheSchema_IsRefusedByTheSchemaAndByTheServiceWith400(string because, string request)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var schema = (await DocumentAsync(name))["paths"]![$"/models/{name}/predict"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

        Assert.False(Schema(schema).Evaluate(JsonDocument.Parse(request).RootElement).IsValid, because);
        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, request));
        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
    }

    [Theory]
    [InlineData("wrong datatype", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"INT64","data":[1,2,3,4]}]}""")]
    [InlineData("missing input", """{"inputs":[]}""")]
    [InlineData("wrong element type", """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,"x",4]}]}""")]
    public async Task V2RequestBreakingTheSchema_IsRefusedByTheSchemaAndByTheServiceWith400(string because, string request)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var schema = (await DocumentAsync(name))["paths"]![$"/v2/models/{name}/infer"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

        Assert.False(Schema(schema).Evaluate(JsonDocument.Parse(request).RootElement).IsValid, because);
        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, Encoding.UTF8.GetBytes(request)));
        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
    }

    [Fact]
    public async Task GetJsonAsync_NewVersionRegistered_ShowsAtTheNextRequest()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var before = await DocumentAsync(name);

        await _serving.AddVersionAsync(name, TestModels.Linear(), version: 2);
        var after = await DocumentAsync(name);

        Assert.Null(before["paths"]![$"/models/{name}/versions/2/predict"]);
        Assert.NotNull(after["paths"]![$"/models/{name}/versions/2/predict"]);
        var listed = (await DocumentAsync(null))[OpenApiContract.ModelsExtension]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == name)!;
        Assert.Equal(2, listed["defaultVersion"]!.GetValue<long>());
    }

    /// <summary>A model's document is built once and served from the cache until its registry rows change.</summary>
    [Fact]
    public async Task GetJsonAsync_ModelDocument_IsCachedUntilTheModelsRowsChange()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var other = await _serving.AddModelAsync(TestModels.Linear());
        using var documents = new OpenApiDocuments(_serving.Catalog);

        var first = await documents.GetJsonAsync(name, null, CancellationToken.None);
        await _serving.AddVersionAsync(other, TestModels.Linear(), version: 2);
        var unchanged = await documents.GetJsonAsync(name, null, CancellationToken.None);
        await _serving.AddVersionAsync(name, TestModels.Linear(), version: 2);
        var changed = await documents.GetJsonAsync(name, null, CancellationToken.None);

        Assert.Same(first, unchanged);
        Assert.NotSame(first, changed);
        Assert.Contains($"/models/{name}/versions/2/predict", changed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetJsonAsync_UnknownModel_IsNotFound()
    {
        using var documents = new OpenApiDocuments(_serving.Catalog);

        var error = await Assert.ThrowsAsync<MaasException>(() => documents.GetJsonAsync("no-such-model", null, CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    public void Dispose() => _serving.Dispose();

    private async Task<List<string>> RegisterAsync(string models)
    {
        switch (models)
        {
            case "identities":
                return [.. await Task.WhenAll(DatatypeSample.All.Select(sample => _serving.AddModelAsync(TestModels.Identity(sample.OnnxType))))];
            case "linear":
                var linear = await _serving.AddModelAsync(TestModels.Linear(), """{"description":"a linear layer"}""");
                await _serving.AddVersionAsync(linear, TestModels.Linear(), version: 2);
                return [linear];
            case "multi":
                return [await _serving.AddModelAsync(TestModels.MultiInputOutput())];
            case "classifier":
                return [await _serving.AddModelAsync(TestModels.Classifier(), """{"labels":{"scores":["low","mid","high"]}}""")];
            default:
                return [await _serving.AddModelAsync(TestModels.Linear(), """{"example":{"input":[[0.5,1,-2,3],[1,1,1,1]]}}""")];
        }
    }

    private async Task<JsonNode> DocumentAsync(string? name)
    {
        using var documents = new OpenApiDocuments(_serving.Catalog);
        return JsonNode.Parse(await documents.GetJsonAsync(name, null, CancellationToken.None))!;
    }

    private Task<Maas.Core.Protocol.EncodedResponse> RunAsync(string path, string name, string body)
    {
        var version = path.Contains("/versions/", StringComparison.Ordinal) ? path.Split('/')[^2] : null;
        return path.StartsWith("/v2/", StringComparison.Ordinal)
            ? _serving.InferV2Async(name, Encoding.UTF8.GetBytes(body), version: version)
            : _serving.PredictAsync(name, body, version);
    }

    private static JsonSchema Schema(JsonNode schema) => JsonSchema.FromText(schema.ToJsonString());
}
