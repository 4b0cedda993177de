using System.Runtime.InteropServices;
using Maas.Core.Inference;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Core.Tests.Inference;

/// <summary>
/// Registration keeps the graph as ONNX Runtime optimised it; a new instance loads that copy instead of optimising
/// again, only when it was made for this runtime and provider from the registered graph, and answers the same.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class OptimizedCopyTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task Register_GraphThatLoads_KeepsACopyNamedForItsGraphAndRuntime()
    {
        var record = await _serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), TestModels.FoldedReshape());

        Assert.Equal($"{record.Name}/1/{record.Sha256}/{_serving.Registry.Sessions.OptimizedCopyKey}.onnx", record.OptimizedBlobPath);
        Assert.Equal(_serving.Registry.Sessions.OptimizedCopyKey, record.OptimizedFor);
        var copy = azurite.BlobService.GetBlobContainerClient(_serving.Registry.Options.OptimizedContainerName).GetBlobClient(record.OptimizedBlobPath);
        var properties = (await copy.GetPropertiesAsync()).Value;
        Assert.Equal(record.Sha256, properties.Metadata[ModelBlobPath.OptimizedSourceMetadataKey]);
    }

    [Fact]
    public async Task Load_VersionWithItsCopy_LoadsTheCopyAndAnswersLikeTheOriginal()
    {
        var record = await _serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), TestModels.Linear());

        using var fromCopy = await _serving.Loader.LoadAsync(record, CancellationToken.None);
        using var original = await _serving.Loader.LoadAsync(record with { OptimizedBlobPath = string.Empty }, CancellationToken.None);

        Assert.Contains(_serving.Registry.Logs.Entries, e => e.Message.Contains("from its optimised copy", StringComparison.Ordinal));
        Assert.Equal(Run(original), Run(fromCopy));
    }

    [Theory]
    [InlineData("another runtime")]
    [InlineData("another graph")]
    public async Task Load_CopyNotForThisRuntimeOrGraph_LoadsTheOriginal(string mismatch)
    {
        var record = await _serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), TestModels.Linear());
        var stale = mismatch == "another runtime" ? record with { OptimizedFor = "ort-0.0.0-cpu-extended" } : record with { Sha256 = new string('0', 64) };

        var error = mismatch == "another graph"
            ? await Record.ExceptionAsync(() => _serving.Loader.LoadAsync(stale, CancellationToken.None))
            : null;
        using var loaded = mismatch == "another runtime" ? await _serving.Loader.LoadAsync(stale, CancellationToken.None) : null;

        Assert.DoesNotContain(_serving.Registry.Logs.Entries, e => e.Message.Contains("from its optimised copy", StringComparison.Ordinal));
        if (mismatch == "another graph")
        {
            // The original graph is read and found to differ from the registered SHA-256: not served until re-registered.
            Assert.Contains("changed since it was registered", error!.Message, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _serving.Dispose();

    private static float[] Run(LoadedModel model)
    {
        var input = new InputTensor("x", Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, [1, 4], MemoryMarshal.AsBytes(new float[] { 1, 2, 3, 4 }.AsSpan()).ToArray());
        using var request = new InferenceRequest(null, [input], [new RequestedOutput("y", Binary: false)]);
        using var result = ModelRunner.Run(model, request, CancellationToken.None);
        return result[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
