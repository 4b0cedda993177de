using System.Globalization;
using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Models;

namespace Maas.Core.Evaluation;

/// <summary>One JSON value of an evaluation line's arrays: a number (kept as written when integral), a string or a boolean.</summary>
public readonly record struct JsonScalar(JsonValueKind Kind, double Number, long? Whole, string? Text)
{
    public static JsonScalar Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => new JsonScalar(JsonValueKind.Number, value.GetDouble(), value.TryGetInt64(out var integer) ? integer : null, null),
        JsonValueKind.String => new JsonScalar(JsonValueKind.String, double.NaN, null, value.GetString()),
        JsonValueKind.True or JsonValueKind.False => new JsonScalar(value.ValueKind, value.ValueKind == JsonValueKind.True ? 1 : 0, value.ValueKind == JsonValueKind.True ? 1 : 0, null),
        JsonValueKind.Object => throw new EvaluationSetException("holds an object where a number, string or boolean was expected"),
        _ => throw new EvaluationSetException("holds null where a number, string or boolean was expected"),
    };

    public override string ToString() => Kind switch
    {
        JsonValueKind.String => $"\"{Text}\"",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => Whole?.ToString(CultureInfo.InvariantCulture) ?? Number.ToString("R", CultureInfo.InvariantCulture),
    };
}

/// <summary>A nested JSON array flattened row-major, with the shape its nesting gives (a bare scalar has shape []).</summary>
public sealed record NestedArray(long[] Shape, JsonScalar[] Values)
{
    /// <summary>Rows along the first dimension; 1 for a scalar.</summary>
    public long Rows => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Flattens <paramref name="value"/>; throws <see cref="EvaluationSetException"/> for ragged or non-scalar leaves.</summary>
    public static NestedArray Of(JsonElement value)
    {
        var shape = new List<long>();
        for (var probe = value; probe.ValueKind == JsonValueKind.Array; probe = probe.GetArrayLength() > 0 ? probe[0] : default)
        {
            shape.Add(probe.GetArrayLength());
            if (probe.GetArrayLength() == 0)
            {
                break;
            }
        }

        var values = new List<JsonScalar>();
        Flatten(value, 0, shape, values);
        return new NestedArray([.. shape], [.. values]);
    }

    private static void Flatten(JsonElement value, int depth, List<long> shape, List<JsonScalar> into)
    {
        if (depth == shape.Count)
        {
            into.Add(value.ValueKind == JsonValueKind.Array
                ? throw new EvaluationSetException($"is ragged: nested deeper than shape {TensorElements.Format([.. shape])} at some element")
                : JsonScalar.Of(value));
            return;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != shape[depth])
        {
            throw new EvaluationSetException($"is ragged: every array at depth {depth + 1} must have {shape[depth]} elements, as the first one does");
        }

        foreach (var item in value.EnumerateArray())
        {
            Flatten(item, depth + 1, shape, into);
        }
    }
}

/// <summary>One line of evaluation.jsonl: inputs in the simple API's shape and what the model should answer.</summary>
/// <param name="Line">1-based line number, for messages.</param>
public sealed record EvaluationExample(int Line, IReadOnlyDictionary<string, NestedArray> Inputs, IReadOnlyDictionary<string, NestedArray> Expected)
{
    /// <summary>Rows this line adds: the first dimension of its inputs (1 for inputs without a batch dimension).</summary>
    public long Rows => Inputs.Values.Select(input => input.Rows).DefaultIfEmpty(1).Max();
}

/// <summary>A line of evaluation.jsonl that cannot be used; the message says what is wrong, the reader adds the line.</summary>
public sealed class EvaluationSetException(string message) : Exception(message);

/// <summary>
/// Reads <c>evaluation.jsonl</c>: one JSON object per line, <c>{"inputs": {"&lt;input&gt;": &lt;nested array&gt;, ...},
/// "expected": {"&lt;output&gt;": &lt;nested array | label&gt;}}</c> (<c>"input"</c> for a single-input model), blank
/// lines skipped. Each input must match the model's signature in name, rank and fixed dimensions.
/// </summary>
public static class EvaluationSet
{
    private const int MaxLineDepth = 64;

    /// <summary>Parses one line against the model's signature; throws <see cref="EvaluationSetException"/> naming the line and the problem.</summary>
    public static EvaluationExample ParseLine(string text, int line, ModelInspection model)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxLineDepth });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new EvaluationSetException("must be a JSON object with inputs (or input) and expected");
            }

            Dictionary<string, NestedArray>? inputs = null;
            Dictionary<string, NestedArray>? expected = null;
            foreach (var field in root.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "inputs" when field.Value.ValueKind == JsonValueKind.Object:
                        inputs = field.Value.EnumerateObject().ToDictionary(input => input.Name, input => Named("input", input), StringComparer.Ordinal);
                        break;
                    case "input" when model.Inputs.Count == 1:
                        inputs = new Dictionary<string, NestedArray>(StringComparer.Ordinal) { [model.Inputs[0].Name] = Named("input", field) };
                        break;
                    case "input":
                        throw new EvaluationSetException($"uses \"input\", which only a single-input model takes; this model has inputs {Names(model.Inputs)}: use \"inputs\"");
                    case "expected" when field.Value.ValueKind == JsonValueKind.Object:
                        expected = field.Value.EnumerateObject().ToDictionary(output => output.Name, output => Named("expected output", output), StringComparer.Ordinal);
                        break;
                    case "inputs" or "expected":
                        throw new EvaluationSetException($"field '{field.Name}' must be an object keyed by tensor name");
                    default:
                        throw new EvaluationSetException($"field '{field.Name}' is unknown; expected inputs (or input) and expected");
                }
            }

            if (inputs is null || expected is null || expected.Count == 0)
            {
                throw new EvaluationSetException("needs both inputs (or input) and a non-empty expected");
            }

            Check(inputs, model);
            foreach (var name in expected.Keys.Where(name => model.Outputs.All(output => output.Name != name)))
            {
                throw new EvaluationSetException($"expects output '{name}', which the model does not have; its outputs are {Names(model.Outputs)}");
            }

            return new EvaluationExample(line, inputs, expected);
        }
        catch (JsonException error)
        {
            throw new EvaluationSetException(string.Create(CultureInfo.InvariantCulture, $"is not valid JSON (byte {error.BytePositionInLine + 1})"));
        }
    }

    private static NestedArray Named(string what, JsonProperty tensor)
    {
        try
        {
            return NestedArray.Of(tensor.Value);
        }
        catch (EvaluationSetException error)
        {
            throw new EvaluationSetException($"{what} '{tensor.Name}' {error.Message}");
        }
    }

    private static void Check(Dictionary<string, NestedArray> inputs, ModelInspection model)
    {
        foreach (var name in inputs.Keys.Where(name => model.Inputs.All(input => input.Name != name)))
        {
            throw new EvaluationSetException($"has input '{name}', which the model does not take; its inputs are {Names(model.Inputs)}");
        }

        foreach (var signature in model.Inputs)
        {
            if (!inputs.TryGetValue(signature.Name, out var input))
            {
                throw new EvaluationSetException($"lacks input '{signature.Name}'");
            }

            var fits = input.Shape.Length == signature.Shape.Count
                && input.Shape.Select((dim, i) => signature.Shape[i] < 0 || signature.Shape[i] == dim).All(match => match);
            if (!fits)
            {
                throw new EvaluationSetException($"input '{signature.Name}' has shape {TensorElements.Format(input.Shape)}; the model takes {TensorElements.Format([.. signature.Shape])} (-1: any size)");
            }
        }
    }

    private static string Names(IReadOnlyList<TensorSignature> tensors) => string.Join(", ", tensors.Select(t => t.Name));

    /// <summary>
    /// The lines of the file at <paramref name="path"/>, parsed one at a time against the signature (blank lines skipped);
    /// a line that cannot be used throws <see cref="EvaluationSetException"/> with its number.
    /// </summary>
    public static IEnumerable<EvaluationExample> Read(string path, ModelInspection model, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(path);
        var number = 0;
        while (reader.ReadLine() is { } text)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            EvaluationExample line;
            try
            {
                line = ParseLine(text, number, model);
            }
            catch (EvaluationSetException error)
            {
                throw new EvaluationSetException(AtLine(number, error.Message));
            }

            yield return line;
        }
    }

    /// <summary>Hex SHA-256 of the file at <paramref name="path"/>.</summary>
    public static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
    }

    /// <summary>The message a problem on <paramref name="line"/> gets in the version's reason.</summary>
    public static string AtLine(int line, string problem) => string.Create(CultureInfo.InvariantCulture, $"evaluation.jsonl line {line} {problem}.");
}
