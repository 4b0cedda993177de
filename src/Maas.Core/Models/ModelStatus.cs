namespace Maas.Core.Models;

/// <summary>The registration state of one model version.</summary>
public enum ModelStatus
{
    /// <summary>Loaded in ONNX Runtime during registration; servable.</summary>
    Ready,

    /// <summary>Registration failed; the reason says why. Not servable until fixed.</summary>
    Failed,

    /// <summary>The graph blob is gone (found by reconciliation). Not servable.</summary>
    Removed,
}
