using System.Text.Json;
using Maas.Core.Errors;

namespace Maas.Core.Tests;

public sealed class ErrorBodyTests
{
    [Theory]
    [InlineData("/v1/batches", ErrorShape.OpenAi)]
    [InlineData("/v1", ErrorShape.OpenAi)]
    [InlineData("/v2/models/m/infer", ErrorShape.V2)]
    [InlineData("/v10/x", ErrorShape.Problem)]
    [InlineData("/models/m/predict", ErrorShape.Problem)]
    [InlineData(null, ErrorShape.Problem)]
    public void ShapeOf_Path_IsTheShapeOfItsApi(string? path, ErrorShape shape) => Assert.Equal(shape, ErrorBody.ShapeOf(path));

    [Fact]
    public void Write_EachShape_WritesThatApisErrorBody()
    {
        Assert.Equal("""{"error":{"message":"m","type":"invalid_request_error","param":"f","code":"c"}}""", Written(ErrorShape.OpenAi, 400, "f", "c"));
        Assert.Equal("""{"error":{"message":"m","type":"invalid_request_error","param":null,"code":"not_found"}}""", Written(ErrorShape.OpenAi, 404, null, null));
        Assert.Equal("""{"error":"m"}""", Written(ErrorShape.V2, 400, null, null));
        Assert.Equal("""{"type":"about:blank","title":"Conflict","status":409,"detail":"m","instance":"/models/x"}""", Written(ErrorShape.Problem, 409, null, null));
    }

    private static string Written(ErrorShape shape, int status, string? field, string? code)
    {
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            ErrorBody.Write(json, shape, status, "m", field, code, "/models/x");
        }

        return System.Text.Encoding.UTF8.GetString(output.ToArray());
    }
}
