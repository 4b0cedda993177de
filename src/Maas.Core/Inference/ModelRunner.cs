using System.Buffers;
using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Inference;

/// <summary>
/// Runs one validated request on a session. Inputs become <see cref="OrtValue"/>s over the pinned request buffers
/// (no copy); one <see cref="RunOptions"/> per run, terminated when the caller's token is cancelled. An input the
/// graph rejects while it runs (ONNX Runtime's <c>InvalidArgument</c>), or one a node's kernel fails on (a loaded,
/// healthy session that runs other inputs), is the caller's: a 400 naming the model. What is not about the input (memory
/// that cannot be allocated, a session that cannot run at all) stays a server error.
/// </summary>
public static class ModelRunner
{
    /// <summary>How much of ONNX Runtime's message a 400 carries.</summary>
    public const int MaxRuntimeMessageLength = 300;

    private const string InvalidArgumentPrefix = "[ErrorCode:InvalidArgument]";

    /// <summary>ONNX Runtime's status when a node's kernel returned an error while running (e.g. shapes it cannot broadcast).</summary>
    private const string FailPrefix = "[ErrorCode:Fail]";

    /// <summary>What ONNX Runtime's message says when the failure happened inside a node's kernel.</summary>
    private const string NodeFailureMarker = "Non-zero status code returned while running";

    /// <summary>Words of a kernel's message that say the instance, not the input, is at fault.</summary>
    private static readonly string[] ResourceFailureMarkers = ["allocate", "out of memory", "CUDA failure", "CUDNN failure", "cuBLAS failure"];

    /// <summary>A non-null address for zero-element tensors (ONNX Runtime rejects a null data pointer).</summary>
    private static readonly byte[] EmptyData = new byte[sizeof(long)];

    public static InferenceResult Run(LoadedModel loaded, InferenceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        try
        {
            return Run(loaded.Session, request, cancellationToken);
        }
        catch (OnnxRuntimeException error) when (IsRejectedInput(error))
        {
            throw RejectedInput(loaded, error);
        }
    }

    /// <summary>One run of <paramref name="request"/> on <paramref name="session"/>; a failed run throws ONNX Runtime's exception.</summary>
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

            return new InferenceResult(request.Outputs, RunSession(session, names, values, [.. request.Outputs.Select(o => o.Name)], cancellationToken));
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

    /// <summary>
    /// True when ONNX Runtime refused the inputs themselves while running (<c>InvalidArgument</c>), or a node's kernel
    /// failed on them (<c>Fail</c> while running a node, for a reason that is not memory or the device): not a fault of
    /// the model or of this instance.
    /// </summary>
    public static bool IsRejectedInput(Exception error) => error is OnnxRuntimeException && IsInputFault(error.Message);

    /// <summary>Whether ONNX Runtime's <paramref name="message"/> of a failed run puts the fault on the input (see <see cref="IsRejectedInput"/>).</summary>
    public static bool IsInputFault(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return IsInvalidArgument(message) || IsKernelFailure(message);
    }

    private static bool IsInvalidArgument(string message) => message.StartsWith(InvalidArgumentPrefix, StringComparison.Ordinal);

    private static bool IsKernelFailure(string message)
        => message.StartsWith(FailPrefix, StringComparison.Ordinal)
            && message.Contains(NodeFailureMarker, StringComparison.Ordinal)
            && !ResourceFailureMarkers.Any(marker => message.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>The 400 for an input the graph rejected or failed on: the model and ONNX Runtime's status message, cut short, no local paths.</summary>
    private static MaasException RejectedInput(LoadedModel loaded, OnnxRuntimeException error)
    {
        var invalid = IsInvalidArgument(error.Message);
        var status = error.Message[(invalid ? InvalidArgumentPrefix : FailPrefix).Length..].Trim();
        var message = Shorten(loaded.Redacted(status));
        var what = invalid ? "rejected the input while running" : "could not run on the input";

        return new MaasException(
            ErrorKind.InvalidInput,
            string.Create(CultureInfo.InvariantCulture, $"Model '{loaded.Model.Name}' version {loaded.Model.Version} {what}: {message}"))
        {
            FromModel = true,
        };
    }

    /// <summary>
    /// Runs the example the OpenAPI document generates for a graph without config.json <c>example</c> (<see cref="ZeroRequest"/>:
    /// zeros, variable dimensions as 1) once; returns why the graph refused it (ONNX Runtime's message, cut short), or
    /// null when it runs. Graphs with non-tensor inputs get no generated example (null).
    /// </summary>
    public static string? ZeroExampleProblem(InferenceSession session, IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (!inputs.All(input => input.IsTensor))
        {
            return null;
        }

        try
        {
            using var request = ZeroRequest(inputs, [.. outputs.Where(output => output.IsTensor)]);
            using var result = Run(session, request, CancellationToken.None);
            return null;
        }
        catch (OnnxRuntimeException error)
        {
            return Shorten(error.Message);
        }
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
