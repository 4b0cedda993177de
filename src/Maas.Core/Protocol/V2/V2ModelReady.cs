using System.Globalization;
using Maas.Core.Models;

namespace Maas.Core.Protocol.V2;

/// <summary>The body of a 200 from <c>GET /v2/models/{name}[/versions/{v}]/ready</c>, as KServe answers it.</summary>
public sealed record V2ModelReady(string Name, string Version, bool Ready)
{
    public static V2ModelReady Loaded(ModelVersionRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new(model.Name, model.Version.ToString(CultureInfo.InvariantCulture), Ready: true);
    }
}
