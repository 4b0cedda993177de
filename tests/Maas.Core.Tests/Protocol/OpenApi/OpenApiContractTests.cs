using System.Text.Json.Nodes;
using Maas.Core.Protocol.OpenApi;
using Maas.Core.Registry;
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
        var json = await OpenApiContract.Build(Rows, Security).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);

        var read = OpenApiDocument.Parse(json, "json");

        Assert.Empty(read.Diagnostic!.Errors);
        Assert.NotNull(read.Document!.Paths["/models/vision/predict"]);
    }

    [Fact]
    public async Task Build_ReadyModels_GetPredictAndInferPerDefaultAndEachVersion_FailedOnesNone()
    {
        var paths = (await Document(Rows, Security))["paths"]!.AsObject().Select(p => p.Key).ToList();

        Assert.Contains("/models/linear.v2/predict", paths);
        Assert.Contains("/models/linear.v2/versions/1/predict", paths);
        Assert.Contains("/models/linear.v2/versions/2/predict", paths);
        Assert.Contains("/v2/models/linear.v2/versions/2/infer", paths);
        Assert.DoesNotContain(paths, p => p.Contains("/broken/", StringComparison.Ordinal));
        Assert.Contains("/models/{name}/metrics", paths);
        Assert.Contains("/models/{name}/drift", paths);
        Assert.Contains("/v2/health/ready", paths);
    }

    [Fact]
    public async Task Build_OperationIds_AreCodeIdentifiersPerModelAndVersion()
    {
        var document = await Document(Rows, Security);

        Assert.Equal("predict_linear_v2", Operation(document, "/models/linear.v2/predict")["operationId"]!.GetValue<string>());
        Assert.Equal("infer_linear_v2_v1", Operation(document, "/v2/models/linear.v2/versions/1/infer")["operationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Build_SimpleRequest_IsTypedFromTheSignature()
    {
        var inputs = RequestSchema(await Document(Rows, Security), "/models/vision/predict")["properties"]!["inputs"]!;

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
        var document = await Document(Rows, Security);
        var response = Operation(document, "/models/vision/predict")["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;

        Assert.Equal(["cat", "dog"], response["properties"]!["labels"]!["properties"]!["class"]!["items"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.StartsWith("Reads pictures", Operation(document, "/models/vision/predict")["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_V2Example_SelectsOnlyTensorOutputsWhenTheModelHasOthers()
    {
        var example = Operation(await Document(Rows, Security), "/v2/models/vision/infer")["requestBody"]!["content"]!["application/json"]!["example"]!;

        Assert.Equal(["class"], example["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        var pixels = example["inputs"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "pixels")!;
        Assert.Equal([1L, 3L, 2L], pixels["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(6, pixels["data"]!.AsArray().Count);
        Assert.Equal("UINT8", pixels["datatype"]!.GetValue<string>());
    }

    [Fact]
    public async Task Build_WithEntraId_DeclaresOAuth2AndEachOperationsScope()
    {
        var document = await Document(Rows, Security);

        var flow = document["components"]!["securitySchemes"]![OpenApiContract.SecuritySchemeName]!["flows"]!["authorizationCode"]!;
        Assert.Equal(Security.TokenUrl.ToString(), flow["tokenUrl"]!.GetValue<string>());
        Assert.Equal(Security.PredictScope, Operation(document, "/models/vision/predict")["security"]![0]![OpenApiContract.SecuritySchemeName]![0]!.GetValue<string>());
        Assert.Equal(Security.ReadScope, Operation(document, "/models", "get")["security"]![0]![OpenApiContract.SecuritySchemeName]![0]!.GetValue<string>());
        Assert.Empty(Operation(document, "/v2/health/live", "get")["security"]![0]!.AsObject());
    }

    [Fact]
    public async Task Build_AuthDisabled_DeclaresNoSecurity()
    {
        var document = await Document(Rows, security: null);

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

    private static async Task<JsonNode> Document(IReadOnlyList<ModelVersionRecord> rows, OpenApiSecurity? security, string? model = null)
        => JsonNode.Parse(await OpenApiContract.Build(rows, security, model).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1))!;

    private static JsonNode Operation(JsonNode document, string path, string method = "post") => document["paths"]![path]![method]!;

    private static JsonNode RequestSchema(JsonNode document, string path) => Operation(document, path)["requestBody"]!["content"]!["application/json"]!["schema"]!;
}
