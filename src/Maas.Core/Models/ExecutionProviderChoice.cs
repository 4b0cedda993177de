namespace Maas.Core.Models;

/// <summary>Where a model runs: <c>cpu</c>, <c>cuda</c> (fail when CUDA is missing) or <c>auto</c> (CUDA when present, else CPU with a warning).</summary>
public enum ExecutionProviderChoice
{
    Cpu,
    Cuda,
    Auto,
}
