using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;

namespace Maas.Core.Serving;

/// <summary>
/// Checks a decoded request against the registered signature before anything runs: every input present once and
/// known, datatype equal, rank and fixed dimensions matching, element count equal to the shape; outputs known.
/// Each failure is a 400 naming the tensor and what the model expects.
/// </summary>
public static class InputValidator
{
    public static void Validate(ModelVersionRecord model, InferenceRequest request)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in request.Inputs)
        {
            var expected = FindInput(model, input.Name);
            if (!seen.Add(input.Name))
            {
                throw Invalid($"Input '{input.Name}' appears more than once; send each input once.");
            }

            if (input.ElementType != expected.ElementType)
            {
                throw Invalid(
                    $"Input '{input.Name}' has element type {ElementTypeNames.NameOf(input.ElementType)}; model '{model.Name}' expects {ElementTypeNames.NameOf(expected.ElementType)}.");
            }

            CheckShape(input, expected);
            if (model.Config.MaxBatchSize is > 0 and var maxBatch && input.Shape is [var rows, ..] && rows > maxBatch)
            {
                throw Invalid($"Input '{input.Name}' has {rows} rows; model '{model.Name}' takes at most {maxBatch} per request (maxBatchSize).");
            }
        }

        foreach (var expected in model.Inputs)
        {
            if (!seen.Contains(expected.Name))
            {
                throw Invalid($"Input '{expected.Name}' is missing; model '{model.Name}' expects {Describe(model.Inputs)}.");
            }
        }

        foreach (var output in request.Outputs)
        {
            FindOutput(model, output.Name);
        }
    }

    /// <summary>The registered input called <paramref name="name"/>; a 400 listing the inputs when there is none, or when it is not a tensor.</summary>
    public static TensorSignature FindInput(ModelVersionRecord model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        var input = model.Inputs.FirstOrDefault(i => i.Name == name)
            ?? throw Invalid($"Input '{name}' is unknown; model '{model.Name}' expects {Describe(model.Inputs)}.");
        return input.IsTensor
            ? input
            : throw Invalid($"Input '{name}' of model '{model.Name}' is a {input.Describe()}; only tensor inputs can be served.");
    }

    /// <summary>The registered output called <paramref name="name"/>; a 400 listing the outputs when there is none.</summary>
    public static TensorSignature FindOutput(ModelVersionRecord model, string name)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Outputs.FirstOrDefault(o => o.Name == name)
            ?? throw Invalid($"Output '{name}' is unknown; model '{model.Name}' has outputs {string.Join(", ", model.Outputs.Select(o => o.Name))}.");
    }

    private static void CheckShape(InputTensor input, TensorSignature expected)
    {
        var fits = input.Shape.Length == expected.Shape.Count;
        for (var i = 0; fits && i < input.Shape.Length; i++)
        {
            fits = expected.Shape[i] < 0 || expected.Shape[i] == input.Shape[i];
        }

        if (!fits)
        {
            throw Invalid($"Input '{input.Name}' has shape {TensorElements.Format(input.Shape)}; the model expects {TensorElements.Format([.. expected.Shape])} (-1 = any size).");
        }

        var count = TensorElements.CountOf(input.Name, input.Shape);
        if (count != input.ElementCount)
        {
            throw Invalid($"Input '{input.Name}' has {input.ElementCount} elements but shape {TensorElements.Format(input.Shape)} needs {count}.");
        }
    }

    private static string Describe(IReadOnlyList<TensorSignature> signature)
        => string.Join(", ", signature.Select(s => $"{s.Name} ({s.Describe()})"));

    private static MaasException Invalid(string message) => new(ErrorKind.InvalidInput, message);
}
