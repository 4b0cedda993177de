using System.Globalization;
using System.Text;
using Maas.Core.Inference;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Evaluation;

/// <summary>What one output answered for one line: numbers (booleans as 0 and 1) or strings, row-major, with the line's row count.</summary>
public sealed record OutputSlice(double[]? Numbers, string[]? Strings, long Rows)
{
    public int Count => Numbers?.Length ?? Strings!.Length;
}

/// <summary>
/// Consecutive evaluation lines run as one ONNX Runtime call: their inputs concatenated along the first dimension (when
/// every input's first dimension is variable and the other dimensions agree), the outputs split back per line.
/// </summary>
public sealed class EvaluationBatch(ModelInspection model)
{
    private readonly List<EvaluationExample> _lines = [];

    public IReadOnlyList<EvaluationExample> Lines => _lines;

    public long Rows => _lines.Sum(line => line.Rows);

    /// <summary>True when lines of this model can share a run: every input has a variable first dimension.</summary>
    public bool Batchable { get; } = model.Inputs.All(input => input.Shape.Count > 0 && input.Shape[0] < 0);

    /// <summary>Whether <paramref name="line"/> can join the lines already here (same shapes after the first dimension, within <paramref name="maxRows"/>).</summary>
    public bool Accepts(EvaluationExample line, long maxRows)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (_lines.Count == 0)
        {
            return true;
        }

        return Batchable && Rows + line.Rows <= maxRows
            && model.Inputs.All(input => line.Inputs[input.Name].Shape.AsSpan(1).SequenceEqual(_lines[0].Inputs[input.Name].Shape.AsSpan(1)));
    }

    public void Add(EvaluationExample line) => _lines.Add(line);

    public void Clear() => _lines.Clear();

    /// <summary>The lines, for messages: <c>line 4</c> or <c>lines 4-9</c>.</summary>
    public string Describe() => _lines.Count == 1
        ? string.Create(CultureInfo.InvariantCulture, $"line {_lines[0].Line}")
        : string.Create(CultureInfo.InvariantCulture, $"lines {_lines[0].Line}-{_lines[^1].Line}");

    /// <summary>
    /// Runs the lines on <paramref name="session"/> (<see cref="ModelRunner.RunSession"/>: terminated by <paramref name="cancellationToken"/>)
    /// and returns each line's slice of each of <paramref name="outputs"/>. Throws <see cref="EvaluationSetException"/> for a value
    /// the input's element type cannot hold or a model that fails on the input.
    /// </summary>
    public IReadOnlyList<Dictionary<string, OutputSlice>> Run(InferenceSession session, IReadOnlyList<string> outputs, Func<string, string> redact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(redact);
        var values = new List<OrtValue>(model.Inputs.Count);
        try
        {
            foreach (var input in model.Inputs)
            {
                values.Add(CreateInput(input));
            }

            IDisposableReadOnlyCollection<OrtValue> results;
            try
            {
                results = ModelRunner.RunSession(session, [.. model.Inputs.Select(input => input.Name)], values, outputs, cancellationToken);
            }
            catch (OnnxRuntimeException error)
            {
                throw new EvaluationSetException($"evaluation.jsonl {Describe()}: the model failed to run on the inputs: {ModelRunner.Shorten(redact(error.Message))}");
            }

            using (results)
            {
                return Split(outputs, results);
            }
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    private List<Dictionary<string, OutputSlice>> Split(IReadOnlyList<string> outputs, IDisposableReadOnlyCollection<OrtValue> results)
    {
        var perLine = _lines.Select(_ => new Dictionary<string, OutputSlice>(StringComparer.Ordinal)).ToList();
        var rows = Rows;
        for (var o = 0; o < outputs.Count; o++)
        {
            var (numbers, strings) = Read(results[o]);
            long count = numbers?.Length ?? strings!.Length;
            if (_lines.Count > 1 && count % rows != 0)
            {
                throw new EvaluationSetException(string.Create(CultureInfo.InvariantCulture, $"evaluation.jsonl {Describe()}: output '{outputs[o]}' has {count} elements for {rows} rows, which does not split into rows; put one example per line"));
            }

            var width = _lines.Count > 1 ? count / rows : 0;
            long offset = 0;
            for (var l = 0; l < _lines.Count; l++)
            {
                var length = _lines.Count > 1 ? width * _lines[l].Rows : count;
                perLine[l][outputs[o]] = new OutputSlice(numbers?[(int)offset..(int)(offset + length)], strings?[(int)offset..(int)(offset + length)], _lines[l].Rows);
                offset += length;
            }
        }

        return perLine;
    }

    private static (double[]? Numbers, string[]? Strings) Read(OrtValue value)
        => OutputValues.Read(value) ?? throw new EvaluationSetException($"an output has element type {value.GetTensorTypeAndShape().ElementDataType}, which evaluation does not read");

    private OrtValue CreateInput(TensorSignature input)
    {
        long[] shape = [.. _lines[0].Inputs[input.Name].Shape];
        if (shape.Length > 0)
        {
            shape[0] = _lines.Sum(line => line.Inputs[input.Name].Shape[0]);
        }

        return input.ElementType switch
        {
            TensorElementType.Float => Tensor(input, shape, v => v.Kind == System.Text.Json.JsonValueKind.Number ? (float?)v.Number : null, "a number"),
            TensorElementType.Double => Tensor(input, shape, v => v.Kind == System.Text.Json.JsonValueKind.Number ? (double?)v.Number : null, "a number"),
            TensorElementType.Int64 => Tensor(input, shape, v => v.Whole, "an integer"),
            TensorElementType.Int32 => Tensor(input, shape, v => v.Whole is >= int.MinValue and <= int.MaxValue ? (int?)v.Whole : null, "an INT32 integer"),
            TensorElementType.Int16 => Tensor(input, shape, v => v.Whole is >= short.MinValue and <= short.MaxValue ? (short?)v.Whole : null, "an INT16 integer"),
            TensorElementType.Int8 => Tensor(input, shape, v => v.Whole is >= sbyte.MinValue and <= sbyte.MaxValue ? (sbyte?)v.Whole : null, "an INT8 integer"),
            TensorElementType.UInt64 => Tensor(input, shape, v => v.Whole is >= 0 ? (ulong?)v.Whole : null, "a non-negative integer"),
            TensorElementType.UInt32 => Tensor(input, shape, v => v.Whole is >= 0 and <= uint.MaxValue ? (uint?)v.Whole : null, "a UINT32 integer"),
            TensorElementType.UInt16 => Tensor(input, shape, v => v.Whole is >= 0 and <= ushort.MaxValue ? (ushort?)v.Whole : null, "a UINT16 integer"),
            TensorElementType.UInt8 => Tensor(input, shape, v => v.Whole is >= 0 and <= byte.MaxValue ? (byte?)v.Whole : null, "a UINT8 integer"),
            TensorElementType.Bool => Tensor(input, shape, v => v.Kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? (bool?)(v.Number != 0) : null, "true or false"),
            TensorElementType.String => Strings(input, shape),
            var other => throw new EvaluationSetException($"model input '{input.Name}' has element type {other}, which evaluation does not support"),
        };
    }

    private OrtValue Tensor<T>(TensorSignature input, long[] shape, Func<JsonScalar, T?> convert, string expected)
        where T : unmanaged
    {
        var data = new T[_lines.Sum(line => line.Inputs[input.Name].Values.Length)];
        var index = 0;
        foreach (var line in _lines)
        {
            var values = line.Inputs[input.Name].Values;
            for (var i = 0; i < values.Length; i++)
            {
                data[index++] = convert(values[i]) ?? throw new EvaluationSetException(EvaluationSet.AtLine(
                    line.Line,
                    string.Create(CultureInfo.InvariantCulture, $"input '{input.Name}' element {i} is {values[i]}; {input.ElementType} takes {expected}")));
            }
        }

        return OrtValue.CreateTensorValueFromMemory(data, shape);
    }

    private OrtValue Strings(TensorSignature input, long[] shape)
    {
        var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        var index = 0;
        foreach (var line in _lines)
        {
            var values = line.Inputs[input.Name].Values;
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].Text is not { } text)
                {
                    value.Dispose();
                    throw new EvaluationSetException(EvaluationSet.AtLine(line.Line, string.Create(CultureInfo.InvariantCulture, $"input '{input.Name}' element {i} is {values[i]}; String takes a string")));
                }

                value.StringTensorSetElementAt(Encoding.UTF8.GetBytes(text).AsSpan(), index++);
            }
        }

        return value;
    }
}
