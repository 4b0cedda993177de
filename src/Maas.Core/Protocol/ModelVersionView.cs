using Maas.Core.Registry;

namespace Maas.Core.Protocol;

/// <summary>A model version as the management API shows it (<c>GET /models/{name}[/versions/{v}]</c>).</summary>
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
    DateTimeOffset RegisteredAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset LastSeenAt)
{
    public static ModelVersionView From(ModelVersionRecord record) => new(
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
        record.RegisteredAt,
        record.UpdatedAt,
        record.LastSeenAt);
}
