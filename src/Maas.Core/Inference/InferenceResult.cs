using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Inference;

/// <summary>The outputs of one run, in the order requested, read once by the encoder; disposing frees ONNX Runtime's buffers.</summary>
public sealed class InferenceResult(IReadOnlyList<RequestedOutput> outputs, IDisposableReadOnlyCollection<OrtValue> values) : IDisposable
{
    public IReadOnlyList<RequestedOutput> Outputs { get; } = outputs;

    /// <summary>The value of <see cref="Outputs"/>[i].</summary>
    public OrtValue this[int index] => values[index];

    public void Dispose() => values.Dispose();
}
