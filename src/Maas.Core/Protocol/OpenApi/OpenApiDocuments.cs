using System.Security.Cryptography;
using System.Text;
using Maas.Core.Catalog;
using Maas.Core.Registry;
using Microsoft.OpenApi;

namespace Maas.Core.Protocol.OpenApi;

/// <summary>
/// The OpenAPI documents as served: built from the registry and cached per registry state, so a version that
/// registers, fails or is removed changes the document at the next request, without a restart.
/// </summary>
public sealed class OpenApiDocuments(ModelCatalog catalog)
{
    private Cached? _cached;

    /// <summary>The document (OpenAPI 3.1 JSON) of every model, or of <paramref name="model"/> only (404 when it has no versions).</summary>
    public async Task<string> GetJsonAsync(string? model, OpenApiSecurity? security, CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelVersionRecord> versions = model is null
            ? await catalog.ListVersionsAsync(cancellationToken)
            : await catalog.GetVersionsAsync(model, cancellationToken);
        var state = StateOf(versions, model, security);
        if (Volatile.Read(ref _cached) is { } cached && cached.State == state)
        {
            return cached.Json;
        }

        var json = await OpenApiContract.Build(versions, security, model).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        Volatile.Write(ref _cached, new Cached(state, json));
        return json;
    }

    /// <summary>What the document depends on: each row's status, graph, signature and config, the model asked for and the security.</summary>
    private static string StateOf(IReadOnlyList<ModelVersionRecord> versions, string? model, OpenApiSecurity? security)
    {
        var text = new StringBuilder(model).Append('|').Append(security);
        foreach (var row in versions.OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.Version))
        {
            text.Append('|').Append(row.Name).Append('/').Append(row.Version).Append(':').Append(row.Status).Append(':').Append(row.Sha256)
                .Append(':').Append(row.SourceFingerprint).Append(':').Append(row.Config.ToJson());
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed record Cached(string State, string Json);
}
