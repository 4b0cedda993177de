using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Inference;

/// <summary>Concatenates requests along the first (batch) dimension and splits a batched run's outputs back per request.</summary>
internal static class BatchTensors
{
    /// <summary>Whether two validated requests can run as one batch: the same inputs with the same datatypes and non-batch dimensions, and the same outputs.</summary>
    public static bool Compatible(InferenceRequest a, InferenceRequest b)
    {
        if (a.Inputs.Count != b.Inputs.Count || !a.Outputs.Select(o => o.Name).SequenceEqual(b.Outputs.Select(o => o.Name), StringComparer.Ordinal))
        {
            return false;
        }

        for (var i = 0; i < a.Inputs.Count; i++)
        {
            var (x, y) = (a.Inputs[i], b.Inputs[i]);
            if (x.Name != y.Name || x.ElementType != y.ElementType || !x.Shape.AsSpan(1).SequenceEqual(y.Shape.AsSpan(1)))
            {
                return false;
            }
        }

        return true;
    }

    public static int RowsOf(InferenceRequest request) => request.Rows;

    /// <summary>One request holding every input of <paramref name="requests"/> concatenated in order (pooled buffers, freed on dispose).</summary>
    public static InferenceRequest Concatenate(IReadOnlyList<InferenceRequest> requests)
    {
        var first = requests[0];
        var inputs = new List<InputTensor>(first.Inputs.Count);
        var rows = requests.Sum(RowsOf);
        for (var i = 0; i < first.Inputs.Count; i++)
        {
            var template = first.Inputs[i];
            long[] shape = [rows, .. template.Shape.AsSpan(1)];
            if (template.ElementType == TensorElementType.String)
            {
                inputs.Add(new InputTensor(template.Name, shape, [.. requests.SelectMany(r => r.Inputs[i].Strings!)]));
                continue;
            }

            var length = requests.Sum(r => r.Inputs[i].Data.Length);
            var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
            var offset = 0;
            foreach (var request in requests)
            {
                request.Inputs[i].Data.Span.CopyTo(buffer.AsSpan(offset));
                offset += request.Inputs[i].Data.Length;
            }

            inputs.Add(new InputTensor(template.Name, template.ElementType, shape, buffer.AsMemory(0, length), buffer));
        }

        return new InferenceRequest(null, inputs, first.Outputs);
    }

    /// <summary>Rows [<paramref name="firstRow"/>, +<paramref name="rows"/>) of every output, copied into values the request owns.</summary>
    /// <exception cref="BatchSplitException">An output's first dimension is not the batch's rows.</exception>
    public static InferenceResult Slice(InferenceResult batch, IReadOnlyList<RequestedOutput> outputs, int totalRows, int firstRow, int rows)
        => CopyEach(outputs, i => SliceRows(batch[i], outputs[i].Name, totalRows, firstRow, rows));

    /// <summary>Every output whole, copied into values the request owns (a request that ran alone).</summary>
    public static InferenceResult Copy(InferenceResult result, IReadOnlyList<RequestedOutput> outputs)
        => CopyEach(outputs, i =>
        {
            var info = result[i].GetTensorTypeAndShape();
            return CopyElements(result[i], info, info.Shape, 0, info.ElementCount);
        });

    private static InferenceResult CopyEach(IReadOnlyList<RequestedOutput> outputs, Func<int, OrtValue> copy)
    {
        var values = new List<OrtValue>(outputs.Count);
        try
        {
            for (var i = 0; i < outputs.Count; i++)
            {
                values.Add(copy(i));
            }
        }
        catch
        {
            values.ForEach(v => v.Dispose());
            throw;
        }

        return new InferenceResult(outputs, values, new DisposeAll(values));
    }

    private static OrtValue SliceRows(OrtValue source, string name, int totalRows, int firstRow, int rows)
    {
        var info = source.GetTensorTypeAndShape();
        if (info.Shape.Length == 0 || info.Shape[0] != totalRows)
        {
            throw new BatchSplitException($"Output '{name}' has shape [{string.Join(',', info.Shape)}] for a batch of {totalRows} rows; it cannot be split back per request.");
        }

        var perRow = info.ElementCount / Math.Max(1, totalRows);
        return CopyElements(source, info, [rows, .. info.Shape.AsSpan(1)], firstRow * perRow, rows * perRow);
    }

    private static OrtValue CopyElements(OrtValue source, OrtTensorTypeAndShapeInfo info, long[] shape, long first, long count)
    {
        if (info.ElementDataType == TensorElementType.String)
        {
            var strings = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
            for (var i = 0; i < count; i++)
            {
                strings.StringTensorSetElementAt(source.GetStringElementAsSpan((int)(first + i)), (int)i);
            }

            return strings;
        }

        var size = TensorElements.SizeOf(info.ElementDataType);
        var value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, info.ElementDataType, shape);
        ((ReadOnlySpan<byte>)source.GetTensorMutableRawData()).Slice((int)(first * size), (int)(count * size)).CopyTo(value.GetTensorMutableRawData());
        return value;
    }

    private sealed class DisposeAll(List<OrtValue> values) : IDisposable
    {
        public void Dispose() => values.ForEach(v => v.Dispose());
    }
}

/// <summary>A batched run whose outputs do not keep the batch's rows (the graph mixes or regroups them): its requests run alone.</summary>
internal sealed class BatchSplitException(string message) : InvalidOperationException(message);
