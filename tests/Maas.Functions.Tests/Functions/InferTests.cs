using System.Text;
using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Protocol.V2;
using Maas.Core.Serving;
using Maas.Functions.Functions;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Tests.Functions;

/// <summary>The prediction functions with a real HttpContext, as ASP.NET Core integration calls them.</summary>
[Collection(UsesAzurite.Name)]
public sealed class InferTests(AzuriteFixture azurite) : IDisposable
{
    private const string LinearV2 = """{"id":"a1","inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""";
    private readonly ServingHarness _serving = new(azurite, limits: new LimitsOptions { MaxRequestBytes = 1024 });

    [Fact]
    public async Task Run_V2Json_Writes200WithTheOutputs()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var http = NewContext(Encoding.UTF8.GetBytes(LinearV2));

        await ExecuteAsync(await new Infer(_serving.Inference, _serving.V2).Run(http.Request, name), http);

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal("application/json", http.Response.ContentType);
        using var json = JsonDocument.Parse(Body(http));
        Assert.Equal("a1", json.RootElement.GetProperty("id").GetString());
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4]), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task InferVersion_BinaryOutputRequested_SetsTheHeaderLengthAndAppendsTheBytes()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var http = NewContext(Encoding.UTF8.GetBytes(LinearV2.Replace("\"inputs\"", "\"parameters\":{\"binary_data_output\":true},\"inputs\"", StringComparison.Ordinal)));

        await ExecuteAsync(await new Infer(_serving.Inference, _serving.V2).InferVersion(http.Request, name, "1"), http);

        var headerLength = int.Parse(http.Response.Headers[V2InferenceProtocol.HeaderContentLengthName].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        var body = Body(http);
        Assert.Equal("application/octet-stream", http.Response.ContentType);
        Assert.Equal(headerLength + (TestModels.LinearOutputs * sizeof(float)), body.Length);
        using var json = JsonDocument.Parse(body.AsMemory(0, headerLength));
        Assert.Equal(12, ResponseReader.Output(json, "y").GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
    }

    [Fact]
    public async Task Predict_SimpleJson_Writes200WithNestedOutputs()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var http = NewContext("""{"input":[[1,2,3,4]]}"""u8.ToArray());

        await ExecuteAsync(await new Predict(_serving.Inference, _serving.Simple).Run(http.Request, name), http);

        using var json = JsonDocument.Parse(Body(http));
        Assert.Equal(1, json.RootElement.GetProperty("outputs").GetProperty("y").GetArrayLength());
    }

    [Fact]
    public async Task Run_BodyOverLimit_IsPayloadTooLargeNamingTheLimit()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var http = NewContext(new byte[2048]);

        var error = await Assert.ThrowsAsync<MaasException>(() => new Infer(_serving.Inference, _serving.V2).Run(http.Request, name));

        Assert.Equal(ErrorKind.PayloadTooLarge, error.Kind);
        Assert.Contains("Limits:MaxRequestBytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Fraud", null)]
    [InlineData("fraud", "03")]
    public async Task Run_InvalidNameOrVersion_IsNotFound(string name, string? version)
    {
        var http = NewContext("{}"u8.ToArray());
        var function = new Infer(_serving.Inference, _serving.V2);

        var error = await Assert.ThrowsAsync<MaasException>(() => version is null ? function.Run(http.Request, name) : function.InferVersion(http.Request, name, version));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    public void Dispose() => _serving.Dispose();

    private static DefaultHttpContext NewContext(byte[] body)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Post;
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body);
        http.Response.Body = new MemoryStream();
        return http;
    }

    private static Task ExecuteAsync(IActionResult result, HttpContext http) => result.ExecuteResultAsync(new ActionContext { HttpContext = http });

    private static byte[] Body(HttpContext http) => ((MemoryStream)http.Response.Body).ToArray();
}
