namespace Maas.Core.Capture;

/// <summary>
/// One captured call, de-identified: when, which request, model and version, the caller's hashed app id (null without
/// a hash key), how it ended, how long it took, and the tensors (null when not captured or left out, see <see cref="Omitted"/>).
/// </summary>
public sealed record CaptureRecord(
    DateTimeOffset Time,
    string RequestId,
    string Model,
    long Version,
    string? Caller,
    string Outcome,
    double LatencyMs,
    IReadOnlyList<CapturedTensor>? Inputs,
    IReadOnlyList<CapturedTensor>? Outputs,
    string? Omitted)
{
    /// <summary>Returns the tensors' pooled buffers once the record is written or dropped.</summary>
    public void Release()
    {
        foreach (var tensor in (Inputs ?? []).Concat(Outputs ?? []))
        {
            tensor.Release();
        }
    }
}
