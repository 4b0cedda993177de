namespace Maas.Core.Protocol.V2;

/// <summary>The answer to <c>GET /v2</c> (Open Inference Protocol V2 server metadata).</summary>
public sealed record ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions)
{
    public const string ServerName = "maas-functions";

    /// <summary>The extensions this server implements, as KServe and Triton clients look for them.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = ["binary_tensor_data", "model_repository", "generate"];

    public static ServerMetadata Current { get; } = new(
        ServerName,
        typeof(ServerMetadata).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
        SupportedExtensions);
}
