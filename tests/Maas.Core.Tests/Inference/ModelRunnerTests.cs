using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Inference;

/// <summary>
/// A graph that fails inside a node's kernel on the shapes it was given is the input's fault (400 naming the model and
/// ONNX Runtime's message), on both APIs and through the batcher. PaddleOCR's text detector (<c>x</c> f32[-1, 3, -1, -1])
/// only runs on heights and widths that are multiples of 32: other sizes fail in an <c>Add</c> node that cannot broadcast.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ModelRunnerTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    private static string V2Header(int height, int width, int bytes) =>
        $$$"""{"inputs":[{"name":"x","shape":[1,3,{{{height}}},{{{width}}}],"datatype":"FP32","parameters":{"binary_data_size":{{{bytes}}}}}]}""";

    private static byte[] Image(int height, int width) => MemoryMarshal.AsBytes(new float[3 * height * width].AsSpan()).ToArray();

    private Task<Maas.Core.Protocol.EncodedResponse> InferDetectorAsync(string name, int height, int width)
    {
        var image = Image(height, width);
        return _serving.InferV2Async(name, Encoding.UTF8.GetBytes(V2Header(height, width, image.Length)), image);
    }

    [Theory]
    [InlineData("[ErrorCode:InvalidArgument] Got invalid dimensions for input: x for the following indices", true)]
    [InlineData("[ErrorCode:Fail] Non-zero status code returned while running Add node. Name:'p2o.Add.0' Status Message: Attempting to broadcast an axis by a dimension other than 1. 2 by 3", true)]
    [InlineData("[ErrorCode:Fail] Non-zero status code returned while running Conv node. Name:'c' Status Message: Failed to allocate memory for requested buffer of size 1024", false)]
    [InlineData("[ErrorCode:Fail] Non-zero status code returned while running MatMul node. Status Message: CUDA failure 2: out of memory", false)]
    [InlineData("[ErrorCode:Fail] Load model from /tmp/m.onnx failed", false)]
    [InlineData("[ErrorCode:RuntimeException] Non-zero status code returned while running Add node.", false)]
    [InlineData("[ErrorCode:EngineError] the session cannot run", false)]
    public void IsInputFault_RuntimeMessage_PutsTheFaultOnTheInputOnlyForRejectionsAndKernelFailures(string message, bool expected)
        => Assert.Equal(expected, ModelRunner.IsInputFault(message));

    [Fact]
    public async Task Run_KernelFailsOnTheInputsShapesV2_IsBadRequestNamingTheModelAndTheNode()
    {
        var name = await _serving.AddModelAsync(RealModels.OcrDetector());

        var error = await Assert.ThrowsAsync<MaasException>(() => InferDetectorAsync(name, 48, 192));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.StartsWith($"Model '{name}' version 1 could not run on the input:", error.Message, StringComparison.Ordinal);
        Assert.Contains("Add node", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("[ErrorCode", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length <= 120 + ModelRunner.MaxRuntimeMessageLength, error.Message);
    }

    [Fact]
    public async Task Run_KernelFailsOnTheInputsShapesSimpleApi_IsBadRequest()
    {
        var name = await _serving.AddModelAsync(RealModels.OcrDetector());
        var plane = "[" + string.Join(',', Enumerable.Repeat("[" + string.Join(',', Enumerable.Repeat("0", 40)) + "]", 40)) + "]";
        var json = $$"""{"input":[[{{plane}},{{plane}},{{plane}}]]}""";

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, json));

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("could not run on the input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KernelFailsInABatchedRun_IsBadRequestForTheRequestsAtFaultOnly()
    {
        var name = await _serving.AddModelAsync(RealModels.OcrDetector(), """{"maxBatchSize":4,"dynamicBatching":{"maxQueueDelayMs":50}}""");

        var good = InferDetectorAsync(name, 32, 64);
        var bad = new[] { InferDetectorAsync(name, 48, 64), InferDetectorAsync(name, 48, 64) };

        using var answered = await good;
        foreach (var call in bad)
        {
            var error = await Assert.ThrowsAsync<MaasException>(() => call);
            Assert.Equal(ErrorKind.InvalidInput, error.Kind);
            Assert.Contains("could not run on the input", error.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>Shape mutations that pass the signature and reach the kernels: each is answered (multiples of 32) or refused with a 400, never a 500.</summary>
    [Fact]
    public async Task Run_RandomImageSizes_AreAnsweredOrBadRequestNeverAServerError()
    {
        var name = await _serving.AddModelAsync(RealModels.OcrDetector());
        var random = new Random(26);
        var (answered, refused) = (0, 0);
        for (var i = 0; i < 16; i++)
        {
            var (height, width) = i < 4 ? (32 * (i + 1), 32 * (4 - i)) : (random.Next(1, 97), random.Next(1, 97));
            try
            {
                using var response = await InferDetectorAsync(name, height, width);
                answered++;
            }
            catch (MaasException error) when (error.Kind == ErrorKind.InvalidInput)
            {
                Assert.True(height % 32 != 0 || width % 32 != 0, $"[{height},{width}] was refused: {error.Message}");
                refused++;
            }
        }

        Assert.True(answered >= 4, $"{answered} sizes answered");
        Assert.True(refused > 0, $"{refused} sizes refused");
    }

    public void Dispose() => _serving.Dispose();
}
