using System.Text;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Protocol;
using Maas.Core.Protocol.V2;
using Maas.Core.Serving;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Serving;

/// <summary>Every bad input is a 4xx whose message names the tensor and what was expected, and never echoes the data sent.</summary>
[Collection(UsesAzurite.Name)]
public sealed class InferenceServiceTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite, limits: new LimitsOptions { MaxRequestBytes = 4096, MaxJsonDepth = 8 });

    public static TheoryData<string, string[]> BadLinearRequests => new()
    {
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}""", ["not valid JSON"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[[[[[[[[[[1]]]]]]]]]]}]}""", ["Limits:MaxJsonDepth", "8"] },
        { """{"inputs":[]}""", ["Input 'x' is missing", "float[-1,4]"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]},{"name":"z","shape":[1],"datatype":"FP32","data":[1]}]}""", ["Input 'z' is unknown", "x (float[-1,4])"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}],"outputs":[{"name":"nope"}]}""", ["Output 'nope' is unknown", "y"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"INT32","data":[1,2,3,4]}]}""", ["Input 'x' has element type int32", "expects float"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP99","data":[1,2,3,4]}]}""", ["Input 'x' has datatype 'FP99'", "FP32"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3]}]}""", ["Input 'x' has 3 elements", "[1,4] needs 4"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4,5]}]}""", ["Input 'x' has more elements than its shape allows (4)"] },
        { """{"inputs":[{"name":"x","shape":[1,5],"datatype":"FP32","data":[1,2,3,4,5]}]}""", ["Input 'x' has shape [1,5]", "[-1,4]"] },
        { """{"inputs":[{"name":"x","shape":[4],"datatype":"FP32","data":[1,2,3,4]}]}""", ["Input 'x' has shape [4]", "[-1,4]"] },
        { """{"inputs":[{"name":"x","shape":[-1,4],"datatype":"FP32","data":[1,2,3,4]}]}""", ["Tensor 'x' has shape [-1,4]", "0 or more"] },
        { """{"inputs":[{"name":"x","shape":[4611686018427387904,4],"datatype":"FP32","data":[1,2,3,4]}]}""", ["Tensor 'x'", "more elements than a request can carry"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,"abc",3,4]}]}""", ["Input 'x' element 1 does not fit float", "a number"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,1e39]}]}""", ["Input 'x' element 3 does not fit float"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32"}]}""", ["Input 'x' has no 'data'"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,01]}]}""", ["not valid JSON"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4.]}]}""", ["not valid JSON"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,+4]}]}""", ["not valid JSON"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,.4]}]}""", ["not valid JSON"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4] "more":1}]}""", ["not valid JSON"] },
        { """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4,]}]}""", ["not valid JSON"] },
        { """{"inputs":[{"shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""", ["inputs[0] has no 'name'"] },
        { """{"inputs":[{"name":"x","datatype":"FP32","data":[1,2,3,4]}]}""", ["Input 'x' has no 'shape'"] },
        { """{"id":7,"inputs":[]}""", ["'id' must be a string"] },
        { """[1,2]""", ["JSON object"] },
        { """{"model":"x"}""", ["no 'inputs'"] },
    };

    [Fact]
    public async Task RunAsync_PinnedDefaultFailedRegistration_Is409WithItsReason()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.Registry.UploadAsync($"{name}/config.json", """{"defaultVersion": 2}"""u8.ToArray());
        await _serving.Registry.UploadAndRegisterAsync($"{name}/2/model.onnx", TestModels.Corrupt());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, """{"input": [[1, 2, 3, 4]]}"""));

        Assert.Equal(ErrorKind.NotReady, error.Kind);
        Assert.StartsWith($"Model '{name}' version 2 is Failed:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EitherProtocol_NamesTheVersionThatAnsweredInItsHeader()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.AddVersionAsync(name, TestModels.Linear(), version: 2);

        using var byDefault = await _serving.PredictAsync(name, """{"input": [[1, 2, 3, 4]]}""");
        using var pinned = await _serving.InferV2Async(name, """{"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]}"""u8.ToArray(), version: "1");

        Assert.Contains(new KeyValuePair<string, string>(ResponseHeaders.ModelVersion, "2"), byDefault.Headers);
        Assert.Contains(new KeyValuePair<string, string>(ResponseHeaders.ModelVersion, "1"), pinned.Headers);
    }

    [Theory]
    [MemberData(nameof(BadLinearRequests))]
    public async Task InferAsync_BadV2Request_IsBadRequestNamingTheProblem(string request, string[] fragments)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, Encoding.UTF8.GetBytes(request)));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.All(fragments, fragment => Assert.Contains(fragment, error.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("UINT8", "300", "an integer from 0 to 255")]
    [InlineData("UINT8", "-1", "an integer from 0 to 255")]
    [InlineData("INT8", "128", "an integer from -128 to 127")]
    [InlineData("INT32", "2.5", "an integer from -2147483648 to 2147483647")]
    [InlineData("UINT64", "18446744073709551616", "an integer from 0 to 18446744073709551615")]
    [InlineData("FP16", "65520", "a number within its range")]
    [InlineData("BOOL", "2", "true or false")]
    [InlineData("BYTES", "17", "a JSON string")]
    public async Task InferAsync_ElementOutOfRangeForDatatype_NamesTensorElementAndRangeButNotTheValue(string datatype, string element, string expectation)
    {
        var sample = DatatypeSample.Of(datatype);
        var name = await _serving.AddModelAsync(TestModels.Identity(sample.OnnxType));
        var request = $$"""{"inputs":[{"name":"x","shape":[1,2],"datatype":"{{datatype}}","data":[{{sample.JsonElements.Split(',')[0]}},{{element}}]}]}""";

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, Encoding.UTF8.GetBytes(request)));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains($"Input 'x' element 1 does not fit {ElementTypeNames.NameOf(V2DataType.Parse(datatype))}: expected {expectation}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(element, error.Message.Replace(expectation, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12, "shorter than announced")]
    [InlineData(20, "longer than announced")]
    public async Task InferAsync_BinarySectionNotAsAnnounced_IsBadRequest(int binaryBytes, string fragment)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var header = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}]}"""u8.ToArray();

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, header, new byte[binaryBytes]));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_BinarySizeNotMatchingShape_NamesTensorAndBytesNeeded()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var header = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":12}}]}"""u8.ToArray();

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, header, new byte[12]));

        Assert.Contains("Input 'x' has 12 bytes of binary data; shape [1,4] of FP32 needs 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_FixedBatchModelGivenBatchTwo_NamesTheFixedShape()
    {
        var name = await _serving.AddModelAsync(TestModels.LinearFixedBatch());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}""")));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("Input 'x' has shape [2,4]; the model expects [1,4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_NonTensorOutputInV2_NamesTheOutputAndTheWayOut()
    {
        var name = await _serving.AddModelAsync(TestModels.Classifier());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[1,3],"datatype":"FP32","data":[0.2,0.3,0.5]}]}""")));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("Output 'probabilities' is a sequence", error.Message, StringComparison.Ordinal);
        Assert.Contains($"/models/{name}/predict", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task InferAsync_BodyOverLimit_IsPayloadTooLargeWhetherAnnouncedOrNot(bool announced)
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var body = new byte[5000];

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.RunAsync(
            _serving.V2, new WireRequest("application/json", announced ? body.Length : null, _ => null, new MemoryStream(body)), name, version: null));

        Assert.Equal(ErrorKind.PayloadTooLarge, error.Kind);
        Assert.Contains("Limits:MaxRequestBytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_UnsupportedContentType_IsUnsupportedMediaType()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, "{}"u8.ToArray(), contentType: "text/plain"));

        Assert.Equal(ErrorKind.UnsupportedMediaType, error.Kind);
        Assert.Contains("application/json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_UnknownModelOrVersion_IsNotFound()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var unknownModel = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async("no-such-model", "{}"u8.ToArray()));
        var unknownVersion = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, "{}"u8.ToArray(), version: "9"));

        Assert.Equal(ErrorKind.NotFound, unknownModel.Kind);
        Assert.Equal(ErrorKind.NotFound, unknownVersion.Kind);
    }

    [Fact]
    public async Task InferAsync_FailedVersion_IsConflictWithTheRegistrationReason()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.Registry.UploadAndRegisterAsync($"{name}/2/model.onnx", TestModels.Corrupt());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, "{}"u8.ToArray(), version: "2"));

        Assert.Equal(ErrorKind.NotReady, error.Kind);
        Assert.Contains("is Failed: model.onnx does not load", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_CudaRequiredOnCpuBuild_IsUnavailableNamingCuda()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"executionProvider":"cuda"}""");

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.InferV2Async(name, Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""")));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains("needs the CUDA execution provider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_ModelRequiresARoleTheCallerLacks_IsForbiddenNamingTheRole()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"requiredRoles":["Fraud.Score","Models.Predict"]}""");
        var caller = new Caller("app-1", "oid-1", new HashSet<string> { "Models.Predict" }, new HashSet<string>());

        var error = await Assert.ThrowsAsync<MaasException>(() => InferAsCallerAsync(name, caller));

        Assert.Equal(ErrorKind.Forbidden, error.Kind);
        Assert.Contains("requires the app role(s) Fraud.Score, which", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Models.Predict", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_CallerHasEveryRequiredRole_OrAuthIsDisabled_Runs()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"requiredRoles":["Fraud.Score"]}""");
        var caller = new Caller("app-1", "oid-1", new HashSet<string> { "Fraud.Score", "Models.Predict" }, new HashSet<string>());

        using var asRole = await InferAsCallerAsync(name, caller);
        using var asLocal = await InferAsCallerAsync(name, Caller.AuthDisabled);

        Assert.Equal(asRole.Body.ToArray(), asLocal.Body.ToArray());
    }

    [Theory]
    [InlineData("v2")]
    [InlineData("simple")]
    public async Task InferAsync_InputTheGraphRejectsWhileRunning_IsBadRequestNamingTheModelAndOnnxRuntimesReason(string api)
    {
        // Id 9 fits the signature (INT64) but the embedding table has 4 rows: ONNX Runtime's Gather refuses it (InvalidArgument).
        var name = await _serving.AddModelAsync(TestModels.Embedding());

        var error = await Assert.ThrowsAsync<MaasException>(() => api == "v2"
            ? _serving.InferV2Async(name, """{"inputs":[{"name":"ids","shape":[1,2],"datatype":"INT64","data":[1,9]}]}"""u8.ToArray())
            : _serving.PredictAsync(name, """{"input":[[1,9]]}"""));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.StartsWith($"Model '{name}' version 1 rejected the input while running: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Gather", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ErrorCode", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 400, "ONNX Runtime's message is cut short.");
    }

    [Fact]
    public async Task InferAsync_IdsWithinTheVocabulary_ReturnTheTableRows()
    {
        var name = await _serving.AddModelAsync(TestModels.Embedding());

        using var response = await _serving.PredictAsync(name, """{"input":[[2,1]]}""");

        using var json = ResponseReader.Json(response);
        Assert.Equal([2f, 20, 200, 1, 10, 100], ResponseReader.Floats(json.RootElement.GetProperty("outputs").GetProperty("vectors")));
    }

    /// <summary>A third observer is a registration, not a change to the data plane: it sees every finished call, answered or refused.</summary>
    [Fact]
    public async Task Observe_AnotherObserver_SeesEachFinishedCallWithItsOutcome()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var recorder = new RecordingObserver();
        var inference = new InferenceService(_serving.Registry.Resolver, _serving.Sessions, _serving.Batcher, [recorder]);
        var wire = (string body) => new WireRequest("application/json", body.Length, _ => null, new MemoryStream(Encoding.UTF8.GetBytes(body)));

        using (await inference.RunAsync(_serving.Simple, wire("""{"input":[[1,2,3,4]]}"""), name, null, Caller.Anonymous, new PredictionMeasurement(name), CancellationToken.None))
        {
        }

        await Assert.ThrowsAsync<MaasException>(() => inference.RunAsync(_serving.Simple, wire("""{"input":[[1,2]]}"""), name, null, Caller.Anonymous, new PredictionMeasurement(name), CancellationToken.None));

        Assert.Equal([(name, true), (name, false)], recorder.Seen);
    }

    private sealed class RecordingObserver : IPredictionObserver
    {
        public List<(string Model, bool Answered)> Seen { get; } = [];

        public void Observe(in ObservedPrediction prediction) => Seen.Add((prediction.Model.Name, prediction.Answered));
    }

    public void Dispose() => _serving.Dispose();

    private Task<EncodedResponse> InferAsCallerAsync(string name, Caller caller)
    {
        var body = """{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"""u8.ToArray();
        return _serving.InferV2Async(name, body, caller: caller);
    }
}
