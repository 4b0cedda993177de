using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>Dynamic batching concatenates requests along the first dimension, so every input and output must be a tensor whose first dimension is variable.</summary>
public static class BatchingRule
{
    /// <summary>Why the graph cannot be batched (naming the input or output), or null when it can.</summary>
    public static string? Violation(ModelInspection inspection)
    {
        ArgumentNullException.ThrowIfNull(inspection);
        foreach (var (kind, tensor) in inspection.Inputs.Select(i => ("input", i)).Concat(inspection.Outputs.Select(o => ("output", o))))
        {
            if (tensor.Shape.Count == 0 || tensor.Shape[0] != -1)
            {
                return $"config.json enables dynamicBatching, but {kind} '{tensor.Name}' is {tensor.Describe()}: "
                    + "every input and output needs a variable first (batch) dimension.";
            }
        }

        return null;
    }
}
