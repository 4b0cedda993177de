using System.Globalization;
using Maas.Core.Models;

namespace Maas.Core.Protocol.V2;

/// <summary>One entry of <c>POST /v2/repository/index</c>, with Triton's state names.</summary>
public sealed record RepositoryIndexEntry(string Name, string Version, string State, string Reason)
{
    public static RepositoryIndexEntry From(ModelVersionRecord record) => new(
        record.Name,
        record.Version.ToString(CultureInfo.InvariantCulture),
        record.Status == ModelStatus.Ready ? "READY" : "UNAVAILABLE",
        record.Reason);
}
