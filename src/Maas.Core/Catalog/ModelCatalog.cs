using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Catalog;

/// <summary>The read side of the API: management views, the registry's versions, what a model serves and whether it is loaded here.</summary>
public sealed class ModelCatalog(
    ModelResolver repository,
    SessionCache sessions,
    BlobServiceClient blobs,
    IOptions<InferenceOptions> inference,
    IOptions<RegistryOptions> registry)
{
    public async Task<IReadOnlyList<ModelView>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await repository.ListAllAsync(cancellationToken);
        return [.. rows.GroupBy(row => row.Name).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group => ModelView.From(group.Key, [.. group], describe: null))];
    }

    public async Task<ModelView> GetModelAsync(string name, CancellationToken cancellationToken)
        => ModelView.From(name, await repository.GetModelAsync(name, cancellationToken), Describe);

    public async Task<ModelVersionView> GetVersionAsync(string name, string version, CancellationToken cancellationToken)
    {
        var record = await repository.GetVersionAsync(name, version, cancellationToken);
        var decision = PromotionPolicy.Decide(await repository.GetModelAsync(name, cancellationToken));
        return Describe(record, decision.States.GetValueOrDefault(record.Version));
    }

    /// <summary>The model's versions side by side on their evaluations; 404 when it has none.</summary>
    public async Task<EvaluationComparison> CompareEvaluationsAsync(string name, CancellationToken cancellationToken)
        => EvaluationComparison.From(name, await repository.GetModelAsync(name, cancellationToken));

    /// <summary>
    /// The full evaluation report of a version (JSON, as registration stored it); 404 when the version is unknown, has not
    /// been evaluated, or its report is gone from the evaluations container.
    /// </summary>
    public async Task<BinaryData> GetEvaluationReportAsync(string name, string version, CancellationToken cancellationToken)
    {
        var record = await repository.GetVersionAsync(name, version, cancellationToken);
        if (record.Evaluation is not { ReportBlobPath: { Length: > 0 } path })
        {
            var why = record.Config.Evaluation is null
                ? "config.json of the model has no evaluation"
                : "its evaluation.jsonl has not been uploaded or evaluated yet";
            throw new MaasException(ErrorKind.NotFound, string.Create(CultureInfo.InvariantCulture, $"Model '{name}' version {record.Version} has no evaluation report: {why}."));
        }

        try
        {
            var report = await blobs.GetBlobContainerClient(registry.Value.EvaluationContainerName).GetBlobClient(path).DownloadContentAsync(cancellationToken);
            return report.Value.Content;
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            throw new MaasException(
                ErrorKind.NotFound,
                string.Create(CultureInfo.InvariantCulture, $"Model '{name}' version {record.Version}: its evaluation report '{path}' is no longer in the {registry.Value.EvaluationContainerName} container; re-upload evaluation.jsonl to evaluate it again."));
        }
    }

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

    private ModelVersionView Describe(ModelVersionRecord record, Promotion? promotion)
        => ModelVersionView.From(record, inference.Value.ExecutionProvider, sessions.LoadedProviderOf(record.Name, record.Version), promotion);
}

/// <summary>A model version that serves, with the versions listed beside it (every Ready one when none was named).</summary>
public sealed record ServedModel(ModelVersionRecord Model, IReadOnlyList<long> Versions);
