using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// Proves a graph loads the way the serving path will load it, and reads its signature as serving will see it.
/// Implemented by the model layer (<c>Inference/SessionFactory</c>); registration knows nothing of session options.
/// </summary>
public interface IModelInspector
{
    /// <summary>
    /// What an optimised copy made by <see cref="Inspect"/> is for: the ONNX Runtime version, execution provider and
    /// optimisation level. A copy is used only where this is the same.
    /// </summary>
    string OptimizedCopyKey { get; }

    /// <summary>
    /// Inspects a model file (external data resolved from its folder); throws <see cref="ModelLoadException"/> when it
    /// does not load. With <paramref name="optimizedGraphPath"/>, also writes the graph as ONNX Runtime optimises it there
    /// (nothing is written when that fails: the copy is only ever a shortcut).
    /// </summary>
    ModelInspection Inspect(string graphPath, string? optimizedGraphPath = null);
}

/// <summary>A graph that ONNX Runtime would not load; the message is ONNX Runtime's (or the parser's), never ours.</summary>
public sealed class ModelLoadException(string message, Exception inner) : Exception(message, inner);
