using Maas.Core.Capture;
using Maas.Core.Models;

namespace Maas.Core.Drift;

/// <summary>
/// A sampled call as drift summarises it, off the request thread: when, which version, and copies of the numeric
/// inputs and outputs its baseline covers (in pooled buffers that <see cref="Release"/> returns).
/// </summary>
public sealed record DriftObservation(DateTimeOffset Time, ModelVersionRecord Model, IReadOnlyList<CapturedTensor> Inputs, IReadOnlyList<CapturedTensor> Outputs)
{
    public void Release()
    {
        foreach (var tensor in Inputs.Concat(Outputs))
        {
            tensor.Release();
        }
    }
}
