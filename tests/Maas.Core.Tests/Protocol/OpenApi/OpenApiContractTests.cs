using System.Text.Json.Nodes;
using Maas.Core.Models;
using Maas.Core.Protocol.OpenApi;
using Maas.TestKit.Registry;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.OpenApi;

namespace Maas.Core.Tests.Protocol.OpenApi;

/// <summary>The document as a pure function of registry rows: valid OpenAPI, typed from the signatures, secured when auth is on.</summary>
public sealed class OpenApiContractTests
{
    private static readonly OpenApiSecurity Security = new(
        new Uri("https://login.microsoftonline.com/tenant/oauth2/v2.0/authorize"),
        new Uri("https://login.microsoftonline.com/tenant/oauth2/v2.0/token"),
        "api://client/Models.Read",
        "api://client/Models.Predict");

    private static readonly ModelVersionRecord[] Rows =
    [
        ModelRecords.Ready(
            [TensorSignature.Tensor("pixels", TensorElementType.UInt8, -1, 3, 2), TensorSignature.Tensor("ids", TensorElementType.Int64, -1), TensorSignature.Tensor("flag", TensorElementType.Bool)],
            [TensorSignature.Tensor("class", TensorElementType.Int64, -1), new TensorSignature("probabilities", TensorKind.Sequence, TensorElementType.DataTypeMax, [])],
            "vision") with { Config = ModelConfig.Default with { Description = "Reads pictures", Labels = new Dictionary<string, IReadOnlyList<string>> { ["class"] = ["cat", "dog"] } } },
        ModelRecords.Ready([TensorSignature.Tensor("x", TensorElementType.Float, -1, 4)], [TensorSignature.Tensor("y", TensorElementType.Float, -1, 3)], "linear.v2", version: 1),
        ModelRecords.Ready([TensorSignature.Tensor("x", TensorElementType.Float, -1, 4)], [TensorSignature.Tensor("y", TensorElementType.Float, -1, 3)], "linear.v2", version: 2),
        ModelRecords.Ready([TensorSignature.Tensor("x", TensorElementType.Float, -1, 4)], [], "broken", version: 1) with { Status = ModelStatus.Failed },
    ];

    [Fact]
    public async Task Build_ReadBackByTheOpenApiReader_HasNoErrors()
    {
        var service = OpenApiDocument.Parse(await OpenApiContract.Build(Rows, Security).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1), "json");
        var model = OpenApiDocument.Parse(await OpenApiContract.Build(Rows, Security, "vision").SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1), "json");

        Assert.Empty(service.Diagnostic!.Errors);
        Assert.NotNull(service.Document!.Paths["/models/{name}/predict"]);
        Assert.Empty(model.Diagnostic!.Errors);
        Assert.NotNull(model.Document!.Paths["/models/vision/predict"]);
    }

    [Fact]
    public async Task Build_ReadyModel_GetsPredictAndInferPerDefaultAndEachVersion_FailedOnesNone()
    {
        var paths = (await Document(Rows, Security, "linear.v2"))["paths"]!.AsObject().Select(p => p.Key).ToList();
        var broken = (await Document(Rows, Security, "broken"))["paths"]!.AsObject();

        Assert.Contains("/models/linear.v2/predict", paths);
        Assert.Contains("/models/linear.v2/versions/1/predict", paths);
        Assert.Contains("/models/linear.v2/versions/2/predict", paths);
        Assert.Contains("/v2/models/linear.v2/versions/2/infer", paths);
        Assert.Empty(broken);
    }

    [Fact]
    public async Task Build_ServiceDocument_HasTheServicesPathsAndListsModelsWithLinksToTheirDocuments()
    {
        var document = await Document(Rows, Security);

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/models/{name}/metrics", paths);
        Assert.Contains("/models/{name}/drift", paths);
        Assert.Contains("/models/{name}/rollout", paths);
        Assert.Contains("/v2/health/ready", paths);
        Assert.Contains("/models/{name}/predict", paths);
        Assert.Contains("/v2/models/{name}/versions/{version}/infer", paths);
        Assert.DoesNotContain(paths, p => p.Contains("vision", StringComparison.Ordinal) || p.Contains("linear", StringComparison.Ordinal));
        var models = document[OpenApiContract.ModelsExtension]!.AsArray();
        Assert.Equal(["linear.v2", "vision"], models.Select(m => m!["name"]!.GetValue<string>()));
        Assert.Equal("/models/linear.v2/openapi.json", models[0]!["document"]!.GetValue<string>());
        Assert.Equal(2, models[0]!["defaultVersion"]!.GetValue<long>());
        Assert.Equal("Reads pictures", models[1]!["description"]!.GetValue<string>());
    }

    /// <summary>With 1,000 models the service document stays under 1 MB: one short entry per model, no model's operations.</summary>
    [Fact]
    public async Task Build_ServiceDocumentWithAThousandModels_StaysUnderOneMegabyte()
    {
        var rows = Enumerable.Range(0, 1000).Select(i => ModelRecords.Ready(
            [TensorSignature.Tensor("pixels", TensorElementType.Float, -1, 3, 224, 224)],
            [TensorSignature.Tensor("scores", TensorElementType.Float, -1, 1000)],
            $"model-{i:D4}")).ToList();

        var json = await OpenApiContract.Build(rows, Security).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);

        Assert.True(json.Length <= 1024 * 1024, $"{json.Length} characters");
        Assert.Equal(1000, JsonNode.Parse(json)![OpenApiContract.ModelsExtension]!.AsArray().Count);
    }

    [Theory]
    [InlineData(null, "/")]
    [InlineData("https://maas.example.net/", "https://maas.example.net/")]
    public async Task Build_Server_IsTheBaseUrlGiven(string? server, string expected)
    {
        var document = await Document(Rows, Security, server: server is null ? null : new Uri(server));

        Assert.Equal(expected, document["servers"]![0]!["url"]!.GetValue<string>());
    }

    /// <summary>Generated clients (Kiota) surface the field marked as the primary error message as the exception's message.</summary>
    [Fact]
    public async Task Build_ServiceDocument_HasTheOpenAiOperationsWithOpenAiErrorsAndStreaming()
    {
        var document = await Document(Rows, Security);

        var chat = document["paths"]!["/v1/chat/completions"]!["post"]!;
        Assert.Equal("createChatCompletion", chat["operationId"]!.GetValue<string>());
        Assert.Equal(["model", "messages"], chat["requestBody"]!["content"]!["application/json"]!["schema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.NotNull(chat["responses"]!["200"]!["content"]!["text/event-stream"]);
        Assert.Equal("#/components/schemas/OpenAIError", chat["responses"]!["404"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.NotNull(chat["responses"]!["429"]);
        Assert.NotNull(document["paths"]!["/v1/embeddings"]!["post"]);
        Assert.NotNull(document["paths"]!["/v1/models"]!["get"]);
        Assert.True(document["components"]!["schemas"]!["OpenAIError"]!["properties"]!["error"]!["properties"]!["message"]![OpenApiContract.PrimaryErrorMessageExtension]!.GetValue<bool>());
    }

    [Fact]
    public async Task Build_ServiceDocument_HasTheBatchApiWithItsMultipartUpload()
    {
        var paths = (await Document(Rows, Security))["paths"]!;

        var upload = paths["/v1/files"]!["post"]!;
        Assert.Equal(["purpose", "file"], upload["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("binary", upload["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!["properties"]!["file"]!["format"]!.GetValue<string>());
        Assert.Equal(["input_file_id", "endpoint", "completion_window"], paths["/v1/batches"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Null(paths["/v1/batches"]!["post"]!["responses"]!["429"]);
        foreach (var (path, method) in new[] { ("/v1/files/{id}", "get"), ("/v1/files/{id}", "delete"), ("/v1/files/{id}/content", "get"), ("/v1/batches", "get"), ("/v1/batches/{id}", "get"), ("/v1/batches/{id}/cancel", "post") })
        {
            Assert.NotNull(paths[path]![method]);
        }
    }

    [Fact]
    public async Task Build_ErrorSchemas_MarkTheirMessageAsThePrimaryErrorMessage()
    {
        var schemas = (await Document(Rows, Security))["components"]!["schemas"]!;

        Assert.True(schemas["Problem"]!["properties"]!["detail"]![OpenApiContract.PrimaryErrorMessageExtension]!.GetValue<bool>());
        Assert.True(schemas["V2Error"]!["properties"]!["error"]![OpenApiContract.PrimaryErrorMessageExtension]!.GetValue<bool>());
    }

    [Fact]
    public async Task Build_OperationIds_AreCodeIdentifiersPerModelAndVersion()
    {
        var document = await Document(Rows, Security, "linear.v2");

        Assert.Equal("predict_linear_v2", Operation(document, "/models/linear.v2/predict")["operationId"]!.GetValue<string>());
        Assert.Equal("infer_linear_v2_v1", Operation(document, "/v2/models/linear.v2/versions/1/infer")["operationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Build_SimpleRequest_IsTypedFromTheSignature()
    {
        var inputs = RequestSchema(await Document(Rows, Security, "vision"), "/models/vision/predict")["properties"]!["inputs"]!;

        Assert.Equal(["flag", "ids", "pixels"], inputs["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal));
        var pixels = inputs["properties"]!["pixels"]!;
        Assert.Equal("array", pixels["type"]!.GetValue<string>());
        Assert.Null(pixels["minItems"]);
        var rows = pixels["items"]!;
        Assert.Equal((3, 3), (rows["minItems"]!.GetValue<int>(), rows["maxItems"]!.GetValue<int>()));
        var element = rows["items"]!["items"]!;
        Assert.Equal(("integer", "0", "255"), (element["type"]!.GetValue<string>(), element["minimum"]!.ToString(), element["maximum"]!.ToString()));
        Assert.Equal("boolean", inputs["properties"]!["flag"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Build_SimpleResponse_NamesTheLabelsAndTheDescription()
    {
        var document = await Document(Rows, Security, "vision");
        var response = Operation(document, "/models/vision/predict")["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal(["cat", "dog"], response["properties"]!["labels"]!["properties"]!["class"]!["items"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.StartsWith("Reads pictures", Operation(document, "/models/vision/predict")["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_V2Example_SelectsOnlyTensorOutputsWhenTheModelHasOthers()
    {
        var example = Operation(await Document(Rows, Security, "vision"), "/v2/models/vision/infer")["requestBody"]!["content"]!["application/json"]!["example"]!;

        Assert.Equal(["class"], example["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        var pixels = example["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "pixels")!;
        Assert.Equal([1L, 3L, 2L], pixels["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(6, pixels["data"]!.AsArray().Count);
        Assert.Equal("UINT8", pixels["datatype"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Build_ExampleRegistrationTried_OperationsSayWhetherItRuns(bool runs, bool expected)
    {
        var row = Rows[1] with { ExampleRuns = runs, ExampleProblem = runs ? string.Empty : "[ErrorCode:InvalidArgument] Got invalid dimensions for input: x" };

        var operation = Operation(await Document([row], Security, "linear.v2"), "/models/linear.v2/predict");

        Assert.Equal(expected, operation[OpenApiContract.ExampleRunsExtension]!.GetValue<bool>());
        Assert.Equal(!runs, operation["description"]!.GetValue<string>().Contains("does not run on this graph: [ErrorCode:InvalidArgument] Got invalid dimensions for input: x Set config.json \"example\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_ExampleNotTried_SaysNothingOfIt()
        => Assert.Null(Operation(await Document(Rows, Security, "linear.v2"), "/models/linear.v2/predict")[OpenApiContract.ExampleRunsExtension]);

    [Fact]
    public async Task Build_WithEntraId_DeclaresOAuth2AndEachOperationsScope()
    {
        var document = await Document(Rows, Security);
        var model = await Document(Rows, Security, "vision");

        var flow = document["components"]!["securitySchemes"]![OpenApiContract.SecuritySchemeName]!["flows"]!["authorizationCode"]!;
        Assert.Equal(Security.TokenUrl.ToString(), flow["tokenUrl"]!.GetValue<string>());
        Assert.Equal(Security.PredictScope, Operation(model, "/models/vision/predict")["security"]![0]![OpenApiContract.SecuritySchemeName]![0]!.GetValue<string>());
        Assert.Equal(Security.ReadScope, Operation(document, "/models", "get")["security"]![0]![OpenApiContract.SecuritySchemeName]![0]!.GetValue<string>());
        Assert.Empty(Operation(document, "/v2/health/live", "get")["security"]![0]!.AsObject());
    }

    [Fact]
    public async Task Build_AuthDisabled_DeclaresNoSecurity()
    {
        var document = await Document(Rows, security: null, "vision");

        Assert.Null(document["components"]!["securitySchemes"]);
        Assert.Null(Operation(document, "/models/vision/predict")["security"]);
    }

    [Fact]
    public async Task Build_OneModel_DescribesOnlyItsPredictions()
    {
        var paths = (await Document(Rows, Security, "linear.v2"))["paths"]!.AsObject().Select(p => p.Key).ToList();

        Assert.All(paths, path => Assert.Contains("/linear.v2/", path, StringComparison.Ordinal));
        Assert.Equal(6, paths.Count);
    }

    private static async Task<JsonNode> Document(IReadOnlyList<ModelVersionRecord> rows, OpenApiSecurity? security, string? model = null, Uri? server = null)
        => JsonNode.Parse(await OpenApiContract.Build(rows, security, model, server).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1))!;

    private static JsonNode Operation(JsonNode document, string path, string method = "post") => document["paths"]![path]![method]!;

    private static JsonNode RequestSchema(JsonNode document, string path) => Operation(document, path)["requestBody"]!["content"]!["application/json"]!["schema"]!;
}
