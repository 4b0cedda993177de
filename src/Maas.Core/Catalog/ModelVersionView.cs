using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Catalog;

/// <summary>A model version as the management API shows it (<c>GET /models/{name}[/versions/{v}]</c>).</summary>
/// <param name="ExecutionProvider">The provider the version asks for: its config's <c>executionProvider</c>, else <c>Inference:ExecutionProvider</c>.</param>
/// <param name="LoadedOn">The ONNX Runtime provider its session actually runs on in this instance; null when it is not loaded here.</param>
/// <param name="Evaluation">What its evaluation set measured; null without one (or without config.json <c>evaluation</c>).</param>
/// <param name="Promotion">Whether it is the default version, and why (or why not).</param>
/// <param name="DriftBaseline">What drift is measured against (tensors, groups, rows); null when config.json asks for no drift baseline.</param>
public sealed record ModelVersionView(
    long Version,
    string Status,
    string Reason,
    string Sha256,
    long SizeBytes,
    long? Opset,
    string Producer,
    IReadOnlyList<TensorSignature> Inputs,
    IReadOnlyList<TensorSignature> Outputs,
    ModelConfig Config,
    string ExecutionProvider,
    string? LoadedOn,
    EvaluationSummary? Evaluation,
    Promotion? Promotion,
    DriftBaselineSummary? DriftBaseline,
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastSeenAt)
{
    public static ModelVersionView From(ModelVersionRecord record, ExecutionProviderChoice defaultProvider, string? loadedOn, Promotion? promotion) => new(
        record.Version,
        record.Status.ToString(),
        record.Reason,
        record.Sha256,
        record.SizeBytes,
        record.Opset,
        record.Producer,
        record.Inputs,
        record.Outputs,
        record.Config,
        (record.Config.ExecutionProvider ?? defaultProvider).ToString().ToLowerInvariant(),
        loadedOn,
        record.Evaluation,
        promotion,
        record.DriftBaseline,
        record.RegisteredAt,
        record.UpdatedAt,
        record.LastSeenAt);
}
