namespace Maas.Core.Models;

/// <summary>One row of the <c>ModelVersions</c> registry table: a model version and what registration found.</summary>
public sealed record ModelVersionRecord
{
    /// <summary>The highest version number: ten digits, as the registry's row keys hold them.</summary>
    public const long MaxVersion = 9_999_999_999;

    public required string Name { get; init; }

    public required long Version { get; init; }

    public required ModelStatus Status { get; init; }

    /// <summary>Why the version is Failed or Removed; empty when Ready.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>The graph's blob name inside the container, e.g. <c>fraud/3/model.onnx</c>.</summary>
    public required string BlobPath { get; init; }

    /// <summary>The graph blob's ETag when it was registered.</summary>
    public string BlobETag { get; init; } = string.Empty;

    /// <summary>Hex SHA-256 of the graph bytes; empty when registration failed before reading them.</summary>
    public string Sha256 { get; init; } = string.Empty;

    public long SizeBytes { get; init; }

    public IReadOnlyList<TensorSignature> Inputs { get; init; } = [];

    public IReadOnlyList<TensorSignature> Outputs { get; init; } = [];

    public long? Opset { get; init; }

    public string Producer { get; init; } = string.Empty;

    public ModelConfig Config { get; init; } = ModelConfig.Default;

    /// <summary>
    /// Blob name, in the optimised-models container, of the graph as ONNX Runtime optimised it at registration; empty
    /// when there is none. A starting instance loads it instead of the original, skipping the graph optimisation.
    /// </summary>
    public string OptimizedBlobPath { get; init; } = string.Empty;

    /// <summary>The ONNX Runtime version, execution provider and level the optimised copy was made for (it is used only when they match).</summary>
    public string OptimizedFor { get; init; } = string.Empty;

    /// <summary>
    /// Whether the example the OpenAPI document generates (zeros, variable dimensions as 1) ran on the graph at
    /// registration: null when it was not tried (config.json gives an <c>example</c>, the inputs are not all tensors, or
    /// the row is older than the check).
    /// </summary>
    public bool? ExampleRuns { get; init; }

    /// <summary>Why the graph refused the generated example (ONNX Runtime's message); empty unless <see cref="ExampleRuns"/> is false.</summary>
    public string ExampleProblem { get; init; } = string.Empty;

    /// <summary>
    /// What evaluating the version's evaluation.jsonl found; null when config.json asks for no evaluation or the version
    /// has no evaluation.jsonl yet (it then awaits evaluation and is not promoted).
    /// </summary>
    public EvaluationSummary? Evaluation { get; init; }

    /// <summary>
    /// The baseline drift is measured against, built from the version's evaluation.jsonl when config.json's <c>drift</c>
    /// asks for it; null otherwise, or while the version has no evaluation.jsonl.
    /// </summary>
    public DriftBaselineSummary? DriftBaseline { get; init; }

    /// <summary>
    /// The state of the rollout that puts this version in front of traffic (config.json <c>rollout</c> names it as canary,
    /// or as shadow when there is no canary); null when no rollout has started on it. Registration keeps it.
    /// </summary>
    public RolloutRecord? Rollout { get; init; }

    /// <summary>ETags of every blob that went into this registration (graph, external data, config): equal means nothing changed.</summary>
    public string SourceFingerprint { get; init; } = string.Empty;

    public DateTimeOffset RegisteredAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When a trigger or reconciliation last saw the same sources again.</summary>
    public DateTimeOffset LastSeenAt { get; init; }
}
