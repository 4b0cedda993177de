using Maas.Core.Registry;

namespace Maas.Core.Protocol;

/// <summary>A model with its versions (<c>GET /models/{name}</c>) or, without versions, its summary (<c>GET /models</c>).</summary>
public sealed record ModelView(
    string Name,
    long? DefaultVersion,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<ModelVersionView>? Versions)
{
    public static ModelView From(string name, IReadOnlyList<ModelVersionRecord> versions, bool withVersions) => new(
        name,
        ModelRepository.DefaultOf(versions)?.Version,
        Enum.GetValues<ModelStatus>().ToDictionary(status => status.ToString(), status => versions.Count(v => v.Status == status)),
        withVersions ? [.. versions.OrderByDescending(v => v.Version).Select(ModelVersionView.From)] : null);
}
