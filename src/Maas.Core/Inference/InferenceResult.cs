using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Inference;

/// <summary>The outputs of one request, in the order requested, read once by the encoder; disposing frees their ONNX Runtime buffers.</summary>
public sealed class InferenceResult(IReadOnlyList<RequestedOutput> outputs, IReadOnlyList<OrtValue> values, IDisposable owner) : IDisposable
{
    /// <summary>The outputs of a run, owned by the collection ONNX Runtime returned.</summary>
    public InferenceResult(IReadOnlyList<RequestedOutput> outputs, IDisposableReadOnlyCollection<OrtValue> values)
        : this(outputs, values, values)
    {
    }

    public IReadOnlyList<RequestedOutput> Outputs { get; } = outputs;

    /// <summary>The value of <see cref="Outputs"/>[i].</summary>
    public OrtValue this[int index] => values[index];

    public void Dispose() => owner.Dispose();
}
