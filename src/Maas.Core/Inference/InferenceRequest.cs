namespace Maas.Core.Inference;

/// <summary>A protocol-neutral prediction request: decoded inputs and the outputs to return, in order.</summary>
public sealed class InferenceRequest(string? id, IReadOnlyList<InputTensor> inputs, IReadOnlyList<RequestedOutput> outputs) : IDisposable
{
    /// <summary>The caller's request id (V2 <c>id</c>), echoed in the response.</summary>
    public string? Id { get; } = id;

    public IReadOnlyList<InputTensor> Inputs { get; } = inputs;

    public IReadOnlyList<RequestedOutput> Outputs { get; } = outputs;

    public void Dispose()
    {
        foreach (var input in Inputs)
        {
            input.Dispose();
        }
    }
}
