using Maas.Core.Inference;
using Maas.Core.Registry;

namespace Maas.Core.Rollout;

/// <summary>
/// A copy of a call to the default, taken on the request path for its rollout's shadow: the decoded inputs (numbers in
/// pooled buffers, given back on dispose), the outputs the default answered with read as numbers or labels, and the
/// outputs to ask the shadow for. Nothing of it is logged or returned.
/// </summary>
public sealed class ShadowCall : IDisposable
{
    private readonly List<InputTensor> _inputs;
    private readonly IReadOnlyList<RequestedOutput> _outputs;
    private readonly (double[]? Numbers, string[]? Strings)?[] _expected;

    private ShadowCall(ShadowTarget target, List<InputTensor> inputs, IReadOnlyList<RequestedOutput> outputs, (double[]?, string[]?)?[] expected)
        => (Target, _inputs, _outputs, _expected) = (target, inputs, outputs, expected);

    public ShadowTarget Target { get; }

    /// <summary>Copies what the shadow needs of an answered call: its inputs and the default's outputs.</summary>
    public static ShadowCall Copy(ShadowTarget target, InferenceRequest request, InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        var inputs = new List<InputTensor>(request.Inputs.Count);
        try
        {
            foreach (var input in request.Inputs)
            {
                inputs.Add(CopyOf(input));
            }

            var expected = new (double[]?, string[]?)?[result.Outputs.Count];
            for (var i = 0; i < expected.Length; i++)
            {
                expected[i] = result[i].OnnxType == Microsoft.ML.OnnxRuntime.OnnxValueType.ONNX_TYPE_TENSOR ? OutputValues.Read(result[i]) : null;
            }

            return new ShadowCall(target, inputs, result.Outputs, expected);
        }
        catch
        {
            inputs.ForEach(input => input.Dispose());
            throw;
        }
    }

    /// <summary>The copy as a request to the shadow, over the call's copied inputs: disposing either gives their buffers back, once.</summary>
    public InferenceRequest ToRequest() => new(id: null, _inputs, _outputs);

    /// <summary>
    /// Whether the shadow's <paramref name="result"/> agrees with the default's answer on every output that both give as
    /// numbers or labels (<see cref="ShadowComparison"/>); null when no output could be compared (sequences, maps).
    /// </summary>
    public bool? Agrees(InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var compared = false;
        for (var i = 0; i < _expected.Length; i++)
        {
            if (_expected[i] is not { } expected)
            {
                continue;
            }

            var actual = i < result.Outputs.Count && result[i].OnnxType == Microsoft.ML.OnnxRuntime.OnnxValueType.ONNX_TYPE_TENSOR ? OutputValues.Read(result[i]) : null;
            var agrees = (expected, actual) switch
            {
                ((double[] want, _), (double[] got, _)) => ShadowComparison.Agrees(Target.Gates, want, got),
                ((_, string[] want), (_, string[] got)) => ShadowComparison.Agrees(want, got),
                _ => false,
            };
            if (!agrees)
            {
                return false;
            }

            compared = true;
        }

        return compared ? true : null;
    }

    public void Dispose()
    {
        foreach (var input in _inputs)
        {
            input.Dispose();
        }

        _inputs.Clear();
    }

    private static InputTensor CopyOf(InputTensor input) => input.Strings is { } strings
        ? new InputTensor(input.Name, [.. input.Shape], [.. strings.Select(bytes => bytes.ToArray())])
        : InputTensor.CopyOf(input.Name, input.ElementType, [.. input.Shape], input.Data.Span);
}
