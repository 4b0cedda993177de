using System.Security.Cryptography;
using System.Text;
using Maas.Core.Catalog;
using Maas.Core.Models;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.OpenApi;

namespace Maas.Core.Protocol.OpenApi;

/// <summary>
/// The OpenAPI documents as served: built from the registry and cached per document and registry state, so a version
/// that registers, fails or is removed changes the documents it appears in at the next request, without a restart, and
/// a model's document is built once until that model's rows change.
/// </summary>
public sealed class OpenApiDocuments(ModelCatalog catalog) : IDisposable
{
    /// <summary>
    /// What the cached documents may hold together, in characters. The service document stays small (one entry per
    /// model); a model's document grows with its examples and versions, so the least used ones make room.
    /// </summary>
    private const long CacheCharacters = 64L * 1024 * 1024;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = CacheCharacters });

    /// <summary>
    /// The service document (OpenAPI 3.1 JSON) when <paramref name="model"/> is null, else that model's document (404 when it
    /// has no versions). <paramref name="server"/> is the base URL the caller reached the app at.
    /// </summary>
    public async Task<string> GetJsonAsync(string? model, OpenApiSecurity? security, CancellationToken cancellationToken, Uri? server = null)
    {
        IReadOnlyList<ModelVersionRecord> versions = model is null
            ? await catalog.ListVersionsAsync(cancellationToken)
            : await catalog.GetVersionsAsync(model, cancellationToken);
        var key = (model, security, server);
        var state = StateOf(versions);
        if (_cache.TryGetValue(key, out Cached? cached) && cached!.State == state)
        {
            return cached.Json;
        }

        var json = await OpenApiContract.Build(versions, security, model, server).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        _cache.Set(key, new Cached(state, json), new MemoryCacheEntryOptions { Size = json.Length });
        return json;
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>What a document depends on besides its key: each row's status, graph, signature and config.</summary>
    private static string StateOf(IReadOnlyList<ModelVersionRecord> versions)
    {
        var text = new StringBuilder();
        foreach (var row in versions.OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.Version))
        {
            text.Append('|').Append(row.Name).Append('/').Append(row.Version).Append(':').Append(row.Status).Append(':').Append(row.Sha256)
                .Append(':').Append(row.SourceFingerprint).Append(':').Append(row.Config.ToJson());
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed record Cached(string State, string Json);
}
