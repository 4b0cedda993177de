using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Inference;

/// <summary>
/// The outputs of one request, in the order requested, read once by the encoder; disposing frees their ONNX Runtime
/// buffers and then whatever they depend on (the lease on the session that produced them).
/// </summary>
public sealed class InferenceResult(IReadOnlyList<RequestedOutput> outputs, IReadOnlyList<OrtValue> values, IDisposable owner) : IDisposable
{
    private readonly List<IDisposable> _owners = [owner];

    /// <summary>The outputs of a run, owned by the collection ONNX Runtime returned.</summary>
    public InferenceResult(IReadOnlyList<RequestedOutput> outputs, IDisposableReadOnlyCollection<OrtValue> values)
        : this(outputs, values, values)
    {
    }

    public IReadOnlyList<RequestedOutput> Outputs { get; } = outputs;

    /// <summary>The value of <see cref="Outputs"/>[i].</summary>
    public OrtValue this[int index] => values[index];

    /// <summary>Keeps <paramref name="resource"/> (a session lease) alive until the outputs are disposed, and disposes it after them.</summary>
    public InferenceResult Holding(IDisposable resource)
    {
        _owners.Add(resource);
        return this;
    }

    public void Dispose()
    {
        foreach (var owned in _owners)
        {
            owned.Dispose();
        }

        _owners.Clear();
    }
}
