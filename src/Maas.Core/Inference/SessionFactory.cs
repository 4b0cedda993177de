using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Inference;

/// <summary>
/// The one place ONNX Runtime sessions are configured: serving and registration create them with the same options
/// (optimisation level, threads, spinning), so the signature registration records is the one serving reports.
/// ONNX Runtime's own log lines are off (fatal only): failures reach our structured log once, from us.
/// </summary>
public sealed class SessionFactory(IOptions<InferenceOptions> options) : IModelInspector
{
    private const string AllowSpinningKey = "session.intra_op.allow_spinning";
    private const string InterOpAllowSpinningKey = "session.inter_op.allow_spinning";

    /// <summary>The severity ONNX Runtime logs at; anything it reports reaches the caller or our log as an exception.</summary>
    public const OrtLoggingLevel OrtLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;

    /// <summary>Session options as <c>Inference:*</c> sets them; the caller disposes them.</summary>
    public SessionOptions CreateOptions(bool useCuda = false)
    {
        var settings = options.Value;
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = settings.GraphOptimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            IntraOpNumThreads = settings.IntraOpThreads,
            InterOpNumThreads = settings.InterOpThreads,
            LogSeverityLevel = OrtLogLevel,
        };
        var spinning = settings.AllowSpinning ? "1" : "0";
        sessionOptions.AddSessionConfigEntry(AllowSpinningKey, spinning);
        sessionOptions.AddSessionConfigEntry(InterOpAllowSpinningKey, spinning);
        if (useCuda)
        {
            sessionOptions.AppendExecutionProvider_CUDA(0);
        }

        return sessionOptions;
    }

    /// <summary>A session over the graph at <paramref name="graphPath"/>; throws <see cref="OnnxRuntimeException"/> when it does not load.</summary>
    public InferenceSession Create(string graphPath, bool useCuda = false)
    {
        using var sessionOptions = CreateOptions(useCuda);
        return new InferenceSession(graphPath, sessionOptions);
    }

    /// <summary>
    /// Optimised copies are made for the CPU provider at the Extended level: its rewrites (fusions, constant folding) do
    /// not depend on the machine, unlike All's layout changes, which a session still applies when it loads the copy.
    /// </summary>
    public string OptimizedCopyKey { get; } = $"ort-{OrtEnv.Instance().GetVersionString()}-cpu-extended";

    /// <summary>A session over an optimised copy made for <see cref="OptimizedCopyKey"/>, on the CPU provider with the configured options.</summary>
    public InferenceSession CreateFromOptimizedCopy(string graphPath) => Create(graphPath, useCuda: false);

    /// <summary>Per-run options with ONNX Runtime's log off like the session's; the caller disposes them and ties them to its cancellation.</summary>
    public static RunOptions CreateRunOptions() => new() { LogSeverityLevel = OrtLogLevel };

    public ModelInspection Inspect(string graphPath, string? optimizedGraphPath = null)
    {
        ModelInspection inspection;
        try
        {
            using var session = Create(graphPath);
            using var header = File.OpenRead(graphPath);
            var (inputs, outputs) = (Signature(session.InputMetadata), Signature(session.OutputMetadata));
            inspection = new ModelInspection(
                inputs,
                outputs,
                OnnxModelHeader.ReadOpset(header),
                session.ModelMetadata.ProducerName,
                session.ModelMetadata.CustomMetadataMap.ToDictionary(StringComparer.Ordinal))
            {
                ExampleProblem = ModelRunner.ZeroExampleProblem(session, inputs, outputs),
            };
        }
        catch (Exception error) when (error is OnnxRuntimeException or InvalidDataException)
        {
            throw new ModelLoadException(error.Message, error);
        }

        if (optimizedGraphPath is not null)
        {
            WriteOptimizedCopy(graphPath, optimizedGraphPath);
        }

        return inspection;
    }

    /// <summary>Saves the graph as the Extended level leaves it; on any failure (a graph over 2 GB, say) leaves no file.</summary>
    private void WriteOptimizedCopy(string graphPath, string optimizedGraphPath)
    {
        try
        {
            using var sessionOptions = CreateOptions();
            sessionOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED;
            sessionOptions.OptimizedModelFilePath = optimizedGraphPath;
            using var session = new InferenceSession(graphPath, sessionOptions);
        }
        catch (OnnxRuntimeException)
        {
            File.Delete(optimizedGraphPath);
        }
    }

    public static TensorSignature[] Signature(IReadOnlyDictionary<string, NodeMetadata> nodes)
        => [.. nodes.Select(node => node.Value.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR
            ? new TensorSignature(node.Key, TensorKind.Tensor, node.Value.ElementDataType, [.. node.Value.Dimensions.Select(d => (long)d)])
            : new TensorSignature(node.Key, KindOf(node.Value.OnnxValueType), Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.DataTypeMax, []))];

    private static TensorKind KindOf(OnnxValueType type) => type switch
    {
        OnnxValueType.ONNX_TYPE_SEQUENCE => TensorKind.Sequence,
        OnnxValueType.ONNX_TYPE_MAP => TensorKind.Map,
        _ => TensorKind.Other,
    };
}
