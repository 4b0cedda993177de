using System.ComponentModel.DataAnnotations;

using Maas.Core.Models;

namespace Maas.Core.Inference;

/// <summary>Settings of the session cache and ONNX Runtime sessions (configuration section <c>Inference</c>).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Byte budget of all cached sessions together (measured by model file size).</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Inference:MaxCachedModelBytes must be a positive number of bytes.")]
    public long MaxCachedModelBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Most sessions kept at once, whatever their size.</summary>
    [Range(1, 10_000, ErrorMessage = "Inference:MaxCachedModels must be between 1 and 10000.")]
    public int MaxCachedModels { get; set; } = 32;

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 lets ONNX Runtime choose.</summary>
    [Range(0, 1024, ErrorMessage = "Inference:IntraOpThreads must be between 0 (ONNX Runtime default) and 1024.")]
    public int IntraOpThreads { get; set; }

    /// <summary>Threads ONNX Runtime uses across operators; 0 lets ONNX Runtime choose.</summary>
    [Range(0, 1024, ErrorMessage = "Inference:InterOpThreads must be between 0 (ONNX Runtime default) and 1024.")]
    public int InterOpThreads { get; set; }

    /// <summary>Graph optimisation level applied when a session is created.</summary>
    [EnumDataType(typeof(GraphOptimization), ErrorMessage = "Inference:GraphOptimization must be Disabled, Basic, Extended or All.")]
    public GraphOptimization GraphOptimization { get; set; } = GraphOptimization.All;

    /// <summary>
    /// Whether ONNX Runtime's idle intra-op threads spin waiting for work. Off by default: on the Functions plans'
    /// few cores, spinning threads take CPU from the host and the worker. Turn it on for a dedicated instance with
    /// cores to spare and latency-critical small models.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// Most model versions a starting instance loads in the background before it reports ready: those that served the
    /// most requests in the last hour (by the minute rollups), within <see cref="MaxCachedModelBytes"/>. 0 turns it off.
    /// </summary>
    [Range(0, 1_000, ErrorMessage = "Inference:PrewarmModels must be between 0 and 1000.")]
    public int PrewarmModels { get; set; } = 4;

    /// <summary>How long a starting instance waits for prewarming before it reports ready anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Inference:PrewarmTimeout must be between 00:00:00 and 01:00:00.")]
    public TimeSpan PrewarmTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Execution provider for models whose config.json does not choose one.</summary>
    [EnumDataType(typeof(ExecutionProviderChoice), ErrorMessage = "Inference:ExecutionProvider must be Cpu, Cuda or Auto.")]
    public ExecutionProviderChoice ExecutionProvider { get; set; } = ExecutionProviderChoice.Cpu;
}
