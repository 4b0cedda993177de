using System.Buffers;
using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Registry;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Inference;

/// <summary>
/// Runs one validated request on a session. Inputs become <see cref="OrtValue"/>s over the pinned request buffers
/// (no copy); one <see cref="RunOptions"/> per run, terminated when the caller's token is cancelled. An input the
/// graph rejects while it runs (ONNX Runtime's <c>InvalidArgument</c>) is the caller's: a 400 naming the model.
/// </summary>
public static class ModelRunner
{
    /// <summary>How much of ONNX Runtime's message a 400 carries.</summary>
    public const int MaxRuntimeMessageLength = 300;

    private const string InvalidArgumentPrefix = "[ErrorCode:InvalidArgument]";

    /// <summary>A non-null address for zero-element tensors (ONNX Runtime rejects a null data pointer).</summary>
    private static readonly byte[] EmptyData = new byte[sizeof(long)];

    public static InferenceResult Run(LoadedModel loaded, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        var session = loaded.Session;
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

            try
            {
                return new InferenceResult(request.Outputs, RunSession(session, names, values, [.. request.Outputs.Select(o => o.Name)], cancellationToken));
            }
            catch (OnnxRuntimeException error) when (IsRejectedInput(error))
            {
                throw RejectedInput(loaded, error);
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

    /// <summary>
    /// One run of <paramref name="session"/> with its own <see cref="RunOptions"/>, terminated when
    /// <paramref name="cancellationToken"/> is cancelled; a run cut short that way throws <see cref="OperationCanceledException"/>,
    /// any other failure ONNX Runtime's exception.
    /// </summary>
    public static IDisposableReadOnlyCollection<OrtValue> RunSession(
        InferenceSession session,
        IReadOnlyCollection<string> inputNames,
        IReadOnlyCollection<OrtValue> inputs,
        IReadOnlyCollection<string> outputNames,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        using var runOptions = SessionFactory.CreateRunOptions();
        using var cancellation = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            return session.Run(runOptions, inputNames, inputs, outputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The caller went away; the run was terminated.", cancellationToken);
        }
    }

    /// <summary>ONNX Runtime's message as a response or a reason carries it: cut to <see cref="MaxRuntimeMessageLength"/> characters.</summary>
    public static string Shorten(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Length > MaxRuntimeMessageLength ? string.Concat(message.AsSpan(0, MaxRuntimeMessageLength), "…") : message;
    }

    /// <summary>True when ONNX Runtime refused the inputs themselves while running (not a fault of the model or of this instance).</summary>
    public static bool IsRejectedInput(Exception error)
        => error is OnnxRuntimeException && error.Message.StartsWith(InvalidArgumentPrefix, StringComparison.Ordinal);

    /// <summary>The 400 for an input the graph rejected: the model and ONNX Runtime's status message, cut short, no local paths.</summary>
    private static MaasException RejectedInput(LoadedModel loaded, OnnxRuntimeException error)
    {
        var message = Shorten(loaded.Redacted(error.Message[InvalidArgumentPrefix.Length..].Trim()));

        return new MaasException(
            ErrorKind.InvalidInput,
            string.Create(CultureInfo.InvariantCulture, $"Model '{loaded.Model.Name}' version {loaded.Model.Version} rejected the input while running: {message}"));
    }

    /// <summary>Zero-filled inputs with every variable dimension set to 1: the shapes a warm-up run uses.</summary>
    public static InferenceRequest ZeroRequest(IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        var tensors = new List<InputTensor>(inputs.Count);
        foreach (var input in inputs)
        {
            var type = input.ElementType;
            long[] shape = [.. input.Shape.Select(d => d < 0 ? 1 : d)];
            var count = TensorElements.CountOf(input.Name, shape);
            tensors.Add(type == TensorElementType.String
                ? new InputTensor(input.Name, shape, [.. Enumerable.Repeat(Array.Empty<byte>(), (int)count)])
                : new InputTensor(input.Name, type, shape, new byte[count * TensorElements.SizeOf(type)]));
        }

        return new InferenceRequest(null, tensors, [.. outputs.Select(o => new RequestedOutput(o.Name, Binary: false))]);
    }
}
