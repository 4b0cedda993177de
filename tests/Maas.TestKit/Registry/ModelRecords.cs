using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.TestKit.Registry;

/// <summary>Registry rows built in memory, for tests of pure logic (codecs, measurements) that need a signature but no storage.</summary>
public static class ModelRecords
{
    /// <summary>Version 1 of model <c>m</c>, Ready, with the given signature.</summary>
    public static ModelVersionRecord Ready(IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs, string name = "m", long version = 1) => new()
    {
        Name = name,
        Version = version,
        Status = ModelStatus.Ready,
        BlobPath = $"{name}/{version}/model.onnx",
        Inputs = inputs,
        Outputs = outputs,
    };

    /// <summary>A float tensor <c>x</c> of <paramref name="features"/> per row, a string tensor <c>text</c> per row, and a float output <c>y</c>.</summary>
    public static ModelVersionRecord FloatsAndText(long features) => Ready(
        [TensorSignature.Tensor("x", TensorElementType.Float, -1, features), TensorSignature.Tensor("text", TensorElementType.String, -1)],
        [TensorSignature.Tensor("y", TensorElementType.Float, -1, 3)]);
}
