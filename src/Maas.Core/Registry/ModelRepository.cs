using System.Globalization;
using Maas.Core.Errors;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Maas.Core.Registry;

/// <summary>
/// The read side of the registry, used by the management API and the serving path. Lookups of a model's versions
/// are cached per instance for <c>Registry:LookupCacheTtl</c> so a prediction does not cost a table read.
/// </summary>
public sealed class ModelRepository(ModelRegistryStore store, IOptions<RegistryOptions> options, IMemoryCache cache)
{
    /// <summary>Every version of every model.</summary>
    public Task<IReadOnlyList<ModelVersionRecord>> ListAllAsync(CancellationToken cancellationToken) => store.ListAllAsync(cancellationToken);

    /// <summary>The versions of one model, newest first; 404 when it has none.</summary>
    public async Task<IReadOnlyList<ModelVersionRecord>> GetModelAsync(string name, CancellationToken cancellationToken)
    {
        var versions = await GetVersionsCachedAsync(name, cancellationToken);
        return versions.Count > 0 ? versions : throw NotFound(name);
    }

    /// <summary>One version, whatever its status; 404 when unknown.</summary>
    public async Task<ModelVersionRecord> GetVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        if (!ModelBlobPath.TryParseVersion(version, out var number))
        {
            throw new MaasException(ErrorKind.NotFound, $"Model '{name}' has no version '{version}': {ModelBlobPath.VersionRule}.");
        }

        var versions = await GetModelAsync(name, cancellationToken);
        return versions.FirstOrDefault(v => v.Version == number)
            ?? throw new MaasException(ErrorKind.NotFound, string.Create(CultureInfo.InvariantCulture, $"Model '{name}' has no version {number}."));
    }

    /// <summary>
    /// The version to serve: the one named, else the config's <c>defaultVersion</c>, else the highest Ready version.
    /// 404 when unknown; 409 with the registration reason when it exists but is not Ready.
    /// </summary>
    public async Task<ModelVersionRecord> ResolveAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var chosen = version is not null
            ? await GetVersionAsync(name, version, cancellationToken)
            : DefaultOf(await GetModelAsync(name, cancellationToken))
                ?? throw new MaasException(ErrorKind.NotReady, $"Model '{name}' has no Ready version.");
        return chosen.Status == ModelStatus.Ready
            ? chosen
            : throw new MaasException(
                ErrorKind.NotReady,
                string.Create(CultureInfo.InvariantCulture, $"Model '{name}' version {chosen.Version} is {chosen.Status}: {chosen.Reason}"));
    }

    /// <summary>The default version of a model: config.defaultVersion when set, else the highest Ready version.</summary>
    public static ModelVersionRecord? DefaultOf(IReadOnlyList<ModelVersionRecord> versions)
    {
        var configured = versions.Select(v => v.Config.DefaultVersion).FirstOrDefault(v => v is not null);
        return configured is { } number
            ? versions.FirstOrDefault(v => v.Version == number)
            : versions.Where(v => v.Status == ModelStatus.Ready).MaxBy(v => v.Version);
    }

    private async Task<IReadOnlyList<ModelVersionRecord>> GetVersionsCachedAsync(string name, CancellationToken cancellationToken)
    {
        if (!ModelBlobPath.IsValidName(name))
        {
            throw NotFound(name);
        }

        var ttl = options.Value.LookupCacheTtl;
        if (ttl > TimeSpan.Zero && cache.TryGetValue(CacheKey(name), out IReadOnlyList<ModelVersionRecord>? cached) && cached is not null)
        {
            return cached;
        }

        IReadOnlyList<ModelVersionRecord> versions = [.. (await store.ListVersionsAsync(name, cancellationToken)).OrderByDescending(v => v.Version)];
        if (ttl > TimeSpan.Zero)
        {
            cache.Set(CacheKey(name), versions, ttl);
        }

        return versions;
    }

    private static string CacheKey(string name) => "registry:" + name;

    private static MaasException NotFound(string name) => new(ErrorKind.NotFound, $"Model '{name}' does not exist.");
}
