namespace Maas.TestKit.Onnx;

/// <summary>A tensor dimension in a model signature: a fixed size or a symbolic name (dynamic).</summary>
public readonly record struct TensorDim(long? Value, string? Symbol)
{
    public static implicit operator TensorDim(long value) => new(value, null);

    public static implicit operator TensorDim(string symbol) => new(null, symbol);

    public static TensorDim FromInt64(long value) => value;

    public static TensorDim FromString(string symbol) => symbol;
}
