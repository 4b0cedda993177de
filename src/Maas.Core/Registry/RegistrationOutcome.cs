namespace Maas.Core.Registry;

/// <summary>What a registration attempt did.</summary>
public enum RegistrationOutcome
{
    /// <summary>The path breaks the repository rules; nothing was written.</summary>
    Ignored,

    /// <summary>The version folder has no <c>model.onnx</c> yet; nothing was written.</summary>
    NoGraph,

    /// <summary>The same sources were registered before; only the last-seen time changed.</summary>
    Unchanged,

    /// <summary>The graph loaded; the version is Ready.</summary>
    Ready,

    /// <summary>The version could not be registered; its row is Failed with the reason.</summary>
    Failed,

    /// <summary>A model-level config.json was applied to every version of the model.</summary>
    ConfigApplied,

    /// <summary>The version's model.onnx was deleted; its row is Removed.</summary>
    Removed,
}
