namespace Maas.Core.Inference;

/// <summary>
/// A protocol-neutral prediction request: decoded inputs and the outputs to return, in order. Inputs may point into the
/// request body (binary tensor data, no copy): the request then owns that buffer and frees it on dispose.
/// </summary>
public sealed class InferenceRequest(string? id, IReadOnlyList<InputTensor> inputs, IReadOnlyList<RequestedOutput> outputs, IDisposable? body = null) : IDisposable
{
    /// <summary>The caller's request id (V2 <c>id</c>), echoed in the response.</summary>
    public string? Id { get; } = id;

    public IReadOnlyList<InputTensor> Inputs { get; } = inputs;

    public IReadOnlyList<RequestedOutput> Outputs { get; } = outputs;

    /// <summary>
    /// The output the caller asked for as the single answer (the simple API's <c>{"input"}</c> → <c>{"output"}</c> form),
    /// besides every output; null when it asked for none.
    /// </summary>
    public string? SingleOutput { get; init; }

    /// <summary>Rows in the batch dimension: the first dimension of the first input (1 for a scalar or no input).</summary>
    public int Rows => Inputs is [{ Shape: [var rows, ..] }, ..] ? (int)Math.Min(rows, int.MaxValue) : 1;

    /// <summary>Bytes of the request body this was decoded from (0 when it was built in memory).</summary>
    public long BodyBytes { get; init; }

    public void Dispose()
    {
        foreach (var input in Inputs)
        {
            input.Dispose();
        }

        body?.Dispose();
    }
}
