using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Inference;

/// <summary>
/// Runs one validated request on a session. Inputs become <see cref="OrtValue"/>s over the pinned request buffers
/// (no copy); one <see cref="RunOptions"/> per run, terminated when the caller's token is cancelled.
/// </summary>
public static class ModelRunner
{
    /// <summary>A non-null address for zero-element tensors (ONNX Runtime rejects a null data pointer).</summary>
    private static readonly byte[] EmptyData = new byte[sizeof(long)];

    public static InferenceResult Run(InferenceSession session, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        var inputs = request.Inputs;
        var names = new string[inputs.Count];
        var values = new OrtValue[inputs.Count];
        var pins = new MemoryHandle[inputs.Count];
        try
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                names[i] = inputs[i].Name;
                values[i] = CreateValue(inputs[i], out pins[i]);
            }

            using var runOptions = new RunOptions();
            using var cancellation = cancellationToken.Register(() => runOptions.Terminate = true);
            try
            {
                var outputs = session.Run(runOptions, names, values, [.. request.Outputs.Select(o => o.Name)]);
                return new InferenceResult(request.Outputs, outputs);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The caller went away; the run was terminated.", cancellationToken);
            }
        }
        finally
        {
            for (var i = 0; i < inputs.Count; i++)
            {
                values[i]?.Dispose();
                pins[i].Dispose();
            }
        }
    }

    private static unsafe OrtValue CreateValue(InputTensor input, out MemoryHandle pin)
    {
        if (input.Strings is { } strings)
        {
            pin = default;
            var value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, input.Shape);
            for (var i = 0; i < strings.Count; i++)
            {
                value.StringTensorSetElementAt(strings[i].AsSpan(), i);
            }

            return value;
        }

        pin = input.Data.IsEmpty ? EmptyData.AsMemory().Pin() : input.Data.Pin();
        return OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, input.ElementType, input.Shape, (IntPtr)pin.Pointer, input.Data.Length);
    }

    /// <summary>Zero-filled inputs with every variable dimension set to 1: the shapes a warm-up run uses.</summary>
    public static InferenceRequest ZeroRequest(IReadOnlyList<Registry.TensorSignature> inputs, IReadOnlyList<Registry.TensorSignature> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var tensors = new List<InputTensor>(inputs.Count);
        foreach (var input in inputs)
        {
            var type = Protocol.V2DataType.Parse(input.Datatype);
            long[] shape = [.. input.Shape.Select(d => d < 0 ? 1 : d)];
            var count = TensorElements.CountOf(input.Name, shape);
            tensors.Add(type == TensorElementType.String
                ? new InputTensor(input.Name, shape, [.. Enumerable.Repeat(Array.Empty<byte>(), (int)count)])
                : new InputTensor(input.Name, type, shape, new byte[count * TensorElements.SizeOf(type)]));
        }

        return new InferenceRequest(null, tensors, [.. outputs.Select(o => new RequestedOutput(o.Name, Binary: false))]);
    }
}
