namespace Maas.Core.Inference;

/// <summary>ONNX Runtime graph optimisation levels, as operators name them in settings.</summary>
public enum GraphOptimization
{
    Disabled,
    Basic,
    Extended,
    All,
}
