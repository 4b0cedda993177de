using System.Buffers.Binary;
using System.Text;
using Maas.Core.Protocol;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Protocol.V2;

/// <summary>V2 inference end to end on real ONNX Runtime and Azurite: every datatype through JSON and binary, numeric results, id, output selection.</summary>
[Collection(UsesAzurite.Name)]
public sealed class V2InferenceProtocolTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    public static TheoryData<string> Datatypes => DatatypeSample.Names;

    [Theory]
    [MemberData(nameof(Datatypes))]
    public async Task Infer_JsonDataOfEachDatatype_RoundTripsThroughIdentity(string datatype)
    {
        var sample = DatatypeSample.Of(datatype);
        var name = await _serving.AddModelAsync(TestModels.Identity(sample.OnnxType));
        var request = $$"""{"inputs":[{"name":"x","shape":[2,2],"datatype":"{{datatype}}","data":[{{sample.JsonElements}}]}]}""";

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(request));

        using var json = ResponseReader.Json(response);
        var output = ResponseReader.Output(json, "y");
        Assert.Equal(datatype, output.GetProperty("datatype").GetString());
        Assert.Equal([2L, 2L], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        sample.AssertSameElements(output.GetProperty("data").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(Datatypes))]
    public async Task Infer_BinaryDataOfEachDatatype_ReturnsTheSameBytesInBinary(string datatype)
    {
        var sample = DatatypeSample.Of(datatype);
        var name = await _serving.AddModelAsync(TestModels.Identity(sample.OnnxType));
        var header = $$$"""{"inputs":[{"name":"x","shape":[2,2],"datatype":"{{{datatype}}}","parameters":{"binary_data_size":{{{sample.Binary.Length}}}}}],"parameters":{"binary_data_output":true}}""";

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(header), sample.Binary);

        Assert.Equal("application/octet-stream", response.ContentType);
        using var json = ResponseReader.Json(response);
        var output = ResponseReader.Output(json, "y");
        Assert.Equal(sample.Binary.Length, output.GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.False(output.TryGetProperty("data", out _));
        Assert.Equal(sample.Binary, ResponseReader.Binary(response));
    }

    [Fact]
    public async Task Infer_Linear_MatchesIndependentlyComputedOutput()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        float[] x = [1, 2, 3, 4, -0.5f, 0.25f, 8, -3];

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"id":"req-7","inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[[1,2,3,4],[-0.5,0.25,8,-3]]}]}"""));

        using var json = ResponseReader.Json(response);
        Assert.Equal("req-7", json.RootElement.GetProperty("id").GetString());
        Assert.Equal(name, json.RootElement.GetProperty("model_name").GetString());
        Assert.Equal("1", json.RootElement.GetProperty("model_version").GetString());
        var y = ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data"));
        Assert.Equal(TestModels.LinearExpected(x), y, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task Infer_BinaryInputJsonOutput_MatchesIndependentlyComputedOutput()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        float[] x = [0.5f, -1, 2, 0.125f];
        var bytes = new byte[x.Length * sizeof(float)];
        for (var i = 0; i < x.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), x[i]);
        }

        using var response = await _serving.InferV2Async(
            name,
            """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}"""u8.ToArray(),
            bytes);

        // JSON outputs: no binary header, only the version that answered.
        Assert.Equal([new KeyValuePair<string, string>(ResponseHeaders.ModelVersion, "1")], response.Headers);
        using var json = ResponseReader.Json(response);
        Assert.Equal(TestModels.LinearExpected(x), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task Infer_Int64Scale_MultipliesByTheFactor()
    {
        var name = await _serving.AddModelAsync(TestModels.Int64Scale());

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[1,3],"datatype":"INT64","data":[1,-2,3000000000]}]}"""));

        using var json = ResponseReader.Json(response);
        Assert.Equal([3L, -6L, 9000000000L], ResponseReader.Output(json, "y").GetProperty("data").EnumerateArray().Select(e => e.GetInt64()));
    }

    [Fact]
    public async Task Infer_OutputsSelected_ReturnsOnlyThoseInRequestOrderWithMixedEncodings()
    {
        var name = await _serving.AddModelAsync(TestModels.MultiInputOutput());
        var request = """
            {"inputs":[{"name":"a","shape":[1,2],"datatype":"FP32","data":[2,3]},{"name":"b","shape":[1,2],"datatype":"FP32","data":[4,5]}],
             "outputs":[{"name":"product","parameters":{"binary_data":true}},{"name":"sum"}]}
            """;

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(request));

        using var json = ResponseReader.Json(response);
        var outputs = json.RootElement.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(["product", "sum"], outputs.Select(o => o.GetProperty("name").GetString()));
        Assert.Equal([6f, 8f], ResponseReader.Floats(outputs[1].GetProperty("data")));
        var product = ResponseReader.Binary(response);
        Assert.Equal([8f, 15f], [BinaryPrimitives.ReadSingleLittleEndian(product), BinaryPrimitives.ReadSingleLittleEndian(product.AsSpan(4))]);
    }

    [Fact]
    public async Task Infer_DataBeforeShapeAndDatatype_IsDecodedAfterTheHeader()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"data":[1,0,0,0],"name":"x","datatype":"FP32","shape":[1,4]}]}"""));

        using var json = ResponseReader.Json(response);
        Assert.Equal(TestModels.LinearExpected([1, 0, 0, 0]), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[ 1 , 2.0e0 ,3,4 ],"parameters":{"note":"after data"}}],"id":"z"}""")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2,3,4]}],"outputs":[{"name":"y"}]}""")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[[1,2],[3,4]]}]}""")]
    public async Task Infer_Fp32DataInAnyValidLayout_DecodesTheSameValues(string request)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(request));

        using var json = ResponseReader.Json(response);
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4]), ResponseReader.Floats(ResponseReader.Output(json, "y").GetProperty("data")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task Infer_TwoFp32Inputs_BothDecodeOnTheFastPath()
    {
        var name = await _serving.AddModelAsync(TestModels.MultiInputOutput());

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"a","shape":[1,2],"datatype":"FP32","data":[2,3]},{"name":"b","shape":[1,2],"datatype":"FP32","data":[4,5]}],"outputs":[{"name":"sum"}]}"""));

        using var json = ResponseReader.Json(response);
        Assert.Equal([6f, 8f], ResponseReader.Floats(ResponseReader.Output(json, "sum").GetProperty("data")));
    }

    [Fact]
    public async Task Infer_NonTensorOutputSelectedAway_ServesTheTensorOutput()
    {
        var name = await _serving.AddModelAsync(TestModels.Classifier());

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[0.2,0.3,0.5]}],"outputs":[{"name":"scores"}]}"""));

        using var json = ResponseReader.Json(response);
        Assert.Equal([0.2f, 0.3f, 0.5f], ResponseReader.Floats(ResponseReader.Output(json, "scores").GetProperty("data")));
    }

    [Fact]
    public async Task Infer_NonFiniteFloats_TravelAsStrings()
    {
        var name = await _serving.AddModelAsync(TestModels.Identity(Onnx.TensorProto.Types.DataType.Float));

        using var response = await _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":["NaN","Infinity","-Infinity"]}]}"""));

        using var json = ResponseReader.Json(response);
        Assert.Equal(["NaN", "Infinity", "-Infinity"], ResponseReader.Output(json, "y").GetProperty("data").EnumerateArray().Select(e => e.GetString()));
    }

    public void Dispose() => _serving.Dispose();
}
