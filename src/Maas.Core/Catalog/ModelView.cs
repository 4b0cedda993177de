using Maas.Core.Models;
using Maas.Core.Registry;

namespace Maas.Core.Catalog;

/// <summary>A model with its versions (<c>GET /models/{name}</c>) or, without versions, its summary (<c>GET /models</c>).</summary>
public sealed record ModelView(
    string Name,
    long? DefaultVersion,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<ModelVersionView>? Versions)
{
    /// <param name="describe">How each version is shown, given its promotion; null lists no versions (the summary).</param>
    public static ModelView From(string name, IReadOnlyList<ModelVersionRecord> versions, Func<ModelVersionRecord, Promotion?, ModelVersionView>? describe)
    {
        var decision = PromotionPolicy.Decide(versions);
        return new(
            name,
            decision.Default?.Version,
            Enum.GetValues<ModelStatus>().ToDictionary(status => status.ToString(), status => versions.Count(v => v.Status == status)),
            describe is null ? null : [.. versions.OrderByDescending(v => v.Version).Select(v => describe(v, decision.States.GetValueOrDefault(v.Version)))]);
    }
}
