using Maas.Core.Errors;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Protocol.Simple;

/// <summary>The simple JSON API on real ONNX Runtime: nesting is the shape, datatypes come from the model.</summary>
[Collection(UsesAzurite.Name)]
public sealed class SimpleInferenceProtocolTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    public static TheoryData<string> Datatypes => DatatypeSample.Names;

    [Theory]
    [MemberData(nameof(Datatypes))]
    public async Task Predict_NestedDataOfEachDatatype_ComesBackNestedAndEqual(string datatype)
    {
        var sample = DatatypeSample.Of(datatype);
        var name = await _serving.AddModelAsync(TestModels.Identity(sample.OnnxType));
        var elements = sample.JsonElements.Split(',');

        using var response = await _serving.PredictAsync(name, $$"""{"input":[[{{elements[0]}},{{elements[1]}}],[{{elements[2]}},{{elements[3]}}]]}""");

        using var json = ResponseReader.Json(response);
        Assert.Equal(name, json.RootElement.GetProperty("model").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("version").GetInt64());
        var rows = json.RootElement.GetProperty("outputs").GetProperty("y").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        sample.AssertSameElements(rows.SelectMany(row => row.EnumerateArray()));
    }

    [Fact]
    public async Task Predict_LinearByName_MatchesIndependentlyComputedOutputShapedAsTheTensor()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        using var response = await _serving.PredictAsync(name, """{"inputs":{"x":[[1,2,3,4],[0,0,0,1]]}}""");

        using var json = ResponseReader.Json(response);
        var y = json.RootElement.GetProperty("outputs").GetProperty("y");
        Assert.Equal(2, y.GetArrayLength());
        Assert.All(y.EnumerateArray(), row => Assert.Equal(TestModels.LinearOutputs, row.GetArrayLength()));
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4, 0, 0, 0, 1]), ResponseReader.Floats(y), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task Predict_OutputWithConfiguredLabels_ReturnsTheLabels()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"labels":{"y":["low","mid","high"]}}""");

        using var response = await _serving.PredictAsync(name, """{"input":[[1,2,3,4]]}""");

        using var json = ResponseReader.Json(response);
        Assert.Equal(["low", "mid", "high"], json.RootElement.GetProperty("labels").GetProperty("y").EnumerateArray().Select(l => l.GetString()));
    }

    [Theory]
    [InlineData("{ \"input\" : [ [ 1 , 2 , 3 , 4 ] ,\n [ 0, 0, 0, 1e0 ] ] }")]
    [InlineData("{\"inputs\":{\"x\":[[1,2,3,4],[0,0,0,1]]}}")]
    public async Task Predict_Fp32InAnyValidLayout_DecodesTheSameValues(string body)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        using var response = await _serving.PredictAsync(name, body);

        using var json = ResponseReader.Json(response);
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4, 0, 0, 0, 1]), ResponseReader.Floats(json.RootElement.GetProperty("outputs").GetProperty("y")), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public async Task Predict_NestingDeeperThanTheLimit_IsBadRequestNamingTheLimit()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var deep = new string('[', 70) + "1" + new string(']', 70);

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, $$"""{"input":{{deep}}}"""));

        Assert.Contains("Limits:MaxJsonDepth", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_MultipleInputs_ReturnsEveryOutput()
    {
        var name = await _serving.AddModelAsync(TestModels.MultiInputOutput());

        using var response = await _serving.PredictAsync(name, """{"inputs":{"b":[[4,5]],"a":[[2,3]]}}""");

        using var json = ResponseReader.Json(response);
        var outputs = json.RootElement.GetProperty("outputs");
        Assert.Equal([6f, 8f], ResponseReader.Floats(outputs.GetProperty("sum")));
        Assert.Equal([8f, 15f], ResponseReader.Floats(outputs.GetProperty("product")));
    }

    [Fact]
    public async Task Predict_SequenceOfMapsOutput_ComesBackAsAnArrayOfObjectsKeyedByLabel()
    {
        var name = await _serving.AddModelAsync(TestModels.Classifier());

        using var response = await _serving.PredictAsync(name, """{"inputs":{"x":[[0.2,0.3,0.5],[0.7,0.2,0.1]]}}""");

        using var json = ResponseReader.Json(response);
        var probabilities = json.RootElement.GetProperty("outputs").GetProperty("probabilities").EnumerateArray().ToList();
        Assert.Equal(2, probabilities.Count);
        Assert.Equal(["10", "20", "30"], probabilities[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal([0.7f, 0.2f, 0.1f], probabilities[1].EnumerateObject().Select(p => p.Value.GetSingle()));
    }

    /// <summary>The classic Flask service's contract: <c>{"input": x}</c> in, <c>response.json()["output"]</c> read.</summary>
    [Fact]
    public async Task Predict_FlaskSingleInputForm_AlsoAnswersTheOnlyOutputAsOutput()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        using var response = await _serving.PredictAsync(name, """{"input":[[1,2,3,4],[0,0,0,1]]}""");

        using var json = ResponseReader.Json(response);
        var output = json.RootElement.GetProperty("output");
        Assert.Equal(2, output.GetArrayLength());
        Assert.Equal(TestModels.LinearExpected([1, 2, 3, 4, 0, 0, 0, 1]), ResponseReader.Floats(output), (a, b) => Math.Abs(a - b) < 1e-5f);
        Assert.Equal(ResponseReader.Floats(json.RootElement.GetProperty("outputs").GetProperty("y")), ResponseReader.Floats(output));
    }

    [Theory]
    [InlineData("""{"input":[[0.2,0.3,0.5],[0.7,0.2,0.1]],"output":"probabilities"}""")]
    [InlineData("""{"output":"probabilities","input":[[0.2,0.3,0.5],[0.7,0.2,0.1]]}""")]
    [InlineData("""{"inputs":{"x":[[0.2,0.3,0.5],[0.7,0.2,0.1]]},"output":"probabilities"}""")]
    public async Task Predict_OutputNamedOnMultiOutputModel_AnswersThatOutput(string request)
    {
        var name = await _serving.AddModelAsync(TestModels.Classifier());

        using var response = await _serving.PredictAsync(name, request);

        using var json = ResponseReader.Json(response);
        var rows = json.RootElement.GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal([0.7f, 0.2f, 0.1f], rows[1].EnumerateObject().Select(p => p.Value.GetSingle()));
    }

    [Fact]
    public async Task Predict_SingleInputFormOnMultiOutputModelNamingNoOutput_IsBadRequestNamingTheOutputs()
    {
        var name = await _serving.AddModelAsync(TestModels.Classifier());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, """{"input":[[0.2,0.3,0.5]]}"""));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("has 2 outputs (scores, probabilities); name the one to answer as 'output'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_InputsFormNamingNoOutput_AnswersNoSingleOutput()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        using var response = await _serving.PredictAsync(name, """{"inputs":{"x":[[1,2,3,4]]}}""");

        using var json = ResponseReader.Json(response);
        Assert.False(json.RootElement.TryGetProperty("output", out _));
    }

    [Theory]
    [InlineData("""{"input":[[1,2,3,4],[1,2]]}""", "Input 'x' is not a rectangular nested array")]
    [InlineData("""{"input":[[1,2,3,4]],"output":"z"}""", "Output 'z' is unknown; model")]
    [InlineData("""{"input":[[1,2,3,4]],"output":3}""", "Expected 'output' to be the name of an output (y)")]
    [InlineData("""{"input":[[1,2,3,4],5]}""", "Input 'x' is not a rectangular nested array")]
    [InlineData("""{"inputs":{"z":[[1,2,3,4]]}}""", "Input 'z' is unknown")]
    [InlineData("""{"inputs":{}}""", "Input 'x' is missing")]
    [InlineData("""{"input":[[1,2,3]]}""", "Input 'x' has shape [1,3]; the model expects [-1,4]")]
    [InlineData("""{"input":[[1,2,3,true]]}""", "Input 'x' element 3 does not fit float")]
    [InlineData("""{"features":[[1,2,3,4]]}""", "Field 'features' is unknown")]
    [InlineData("""{"input":[[1,2,3,4]],"inputs":{}}""", "exactly one of 'inputs' and 'input'")]
    [InlineData("""{}""", "no inputs")]
    [InlineData("""{"input":[[1,2,3,4]]""", "not valid JSON")]
    public async Task Predict_BadRequest_IsBadRequestNamingTheProblem(string request, string fragment)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, request));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_SingleInputFormOnMultiInputModel_NamesTheInputs()
    {
        var name = await _serving.AddModelAsync(TestModels.MultiInputOutput());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, """{"input":[[1,2]]}"""));

        Assert.Contains("has 2 inputs (a, b); send them by name in 'inputs'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _serving.Dispose();
}
