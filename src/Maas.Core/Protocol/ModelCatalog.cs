using System.Globalization;
using Maas.Core.Inference;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Protocol;

/// <summary>The read side of the API: management views, the V2 repository index, V2 model metadata and readiness.</summary>
public sealed class ModelCatalog(ModelRepository repository, SessionCache sessions, IOptions<InferenceOptions> inference)
{
    public async Task<IReadOnlyList<ModelView>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.ListAllAsync(cancellationToken);
        return [.. rows.GroupBy(row => row.Name).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => ModelView.From(group.Key, [.. group], describe: null))];
    }

    public async Task<ModelView> GetModelAsync(string name, CancellationToken cancellationToken)
        => ModelView.From(name, await repository.GetModelAsync(name, cancellationToken), Describe);

    public async Task<ModelVersionView> GetVersionAsync(string name, string version, CancellationToken cancellationToken)
        => Describe(await repository.GetVersionAsync(name, version, cancellationToken));

    public async Task<IReadOnlyList<RepositoryIndexEntry>> RepositoryIndexAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.ListAllAsync(cancellationToken);
        return [.. rows.OrderBy(row => row.Name, StringComparer.Ordinal).ThenBy(row => row.Version).Select(RepositoryIndexEntry.From)];
    }

    /// <summary>Metadata of the version named, or of the default version with every Ready version listed.</summary>
    public async Task<V2ModelMetadata> GetV2MetadataAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var model = await repository.ResolveAsync(name, version, cancellationToken);
        IEnumerable<ModelVersionRecord> listed = version is null
            ? (await repository.GetModelAsync(name, cancellationToken)).Where(v => v.Status == ModelStatus.Ready)
            : [model];
        return new V2ModelMetadata(name, [.. listed.Select(v => VersionText(v.Version))], V2ModelMetadata.OnnxPlatform, model.Inputs, model.Outputs);
    }

    /// <summary>Ready means Ready in the registry and loaded here: this loads the session when it is not cached yet (404/409/503 otherwise).</summary>
    public async Task<V2ModelReady> CheckReadyAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var model = await repository.ResolveAsync(name, version, cancellationToken);
        using var lease = await sessions.AcquireAsync(model, cancellationToken);
        return new V2ModelReady(name, VersionText(model.Version), Ready: true);
    }

    private ModelVersionView Describe(ModelVersionRecord record)
        => ModelVersionView.From(record, inference.Value.ExecutionProvider, sessions.LoadedProviderOf(record.Name, record.Version));

    private static string VersionText(long version) => version.ToString(CultureInfo.InvariantCulture);
}
