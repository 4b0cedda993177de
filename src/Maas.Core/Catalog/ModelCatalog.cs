using Maas.Core.Inference;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Catalog;

/// <summary>The read side of the API: management views, the registry's versions, what a model serves and whether it is loaded here.</summary>
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

    /// <summary>Every version of every model, by name then version (the repository index).</summary>
    public async Task<IReadOnlyList<ModelVersionRecord>> ListVersionsAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.ListAllAsync(cancellationToken);
        return [.. rows.OrderBy(row => row.Name, StringComparer.Ordinal).ThenBy(row => row.Version)];
    }

    /// <summary>The versions of one model, newest first; 404 when it has none.</summary>
    public Task<IReadOnlyList<ModelVersionRecord>> GetVersionsAsync(string name, CancellationToken cancellationToken)
        => repository.GetModelAsync(name, cancellationToken);

    /// <summary>The version named, or the default version with every Ready version listed: what model metadata describes.</summary>
    public async Task<ServedModel> GetServedAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var model = await repository.ResolveAsync(name, version, cancellationToken);
        IEnumerable<ModelVersionRecord> listed = version is null
            ? (await repository.GetModelAsync(name, cancellationToken)).Where(v => v.Status == ModelStatus.Ready)
            : [model];
        return new ServedModel(model, [.. listed.Select(v => v.Version)]);
    }

    /// <summary>Ready means Ready in the registry and loaded here: this loads the session when it is not cached yet (404/409/503 otherwise).</summary>
    public async Task<ModelVersionRecord> LoadAsync(string name, string? version, CancellationToken cancellationToken)
    {
        var model = await repository.ResolveAsync(name, version, cancellationToken);
        using var lease = await sessions.AcquireAsync(model, cancellationToken);
        return model;
    }

    private ModelVersionView Describe(ModelVersionRecord record)
        => ModelVersionView.From(record, inference.Value.ExecutionProvider, sessions.LoadedProviderOf(record.Name, record.Version));
}

/// <summary>A model version that serves, with the versions listed beside it (every Ready one when none was named).</summary>
public sealed record ServedModel(ModelVersionRecord Model, IReadOnlyList<long> Versions);
