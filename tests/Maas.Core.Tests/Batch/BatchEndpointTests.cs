using Maas.Core.Batch;

namespace Maas.Core.Tests.Batch;

public sealed class BatchEndpointTests
{
    [Theory]
    [InlineData("/v1/chat/completions", BatchEndpointKind.ChatCompletions, null, null)]
    [InlineData("/v1/embeddings", BatchEndpointKind.Embeddings, null, null)]
    [InlineData("/models/fraud/predict", BatchEndpointKind.Predict, "fraud", null)]
    [InlineData("/models/fraud/versions/3/predict", BatchEndpointKind.Predict, "fraud", "3")]
    [InlineData("/v2/models/iris.v2/infer", BatchEndpointKind.Infer, "iris.v2", null)]
    [InlineData("/v2/models/iris/versions/12/infer", BatchEndpointKind.Infer, "iris", "12")]
    public void Parse_PredictionPath_NamesItsKindModelAndVersion(string path, BatchEndpointKind kind, string? model, string? version)
    {
        var endpoint = BatchEndpoint.Parse(path)!;

        Assert.Equal((kind, model, version), (endpoint.Kind, endpoint.Model, endpoint.Version));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("/v1/files")]
    [InlineData("/models/fraud/metrics")]
    [InlineData("/v2/models/fraud/predict")]
    [InlineData("/models/fraud/infer")]
    [InlineData("/models/Fraud/predict")]
    [InlineData("/models/fraud/versions/0/predict")]
    public void Parse_AnythingElse_IsNull(string? path) => Assert.Null(BatchEndpoint.Parse(path));
}
