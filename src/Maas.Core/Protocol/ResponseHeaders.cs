using System.Globalization;
using Maas.Core.Models;

namespace Maas.Core.Protocol;

/// <summary>Headers every prediction response carries, whatever its protocol.</summary>
public static class ResponseHeaders
{
    /// <summary>The version that answered: the default's, a pinned one's, or (during a rollout) the canary's.</summary>
    public const string ModelVersion = "x-maas-model-version";

    /// <summary>The <see cref="ModelVersion"/> header of an answer by <paramref name="model"/>.</summary>
    public static KeyValuePair<string, string> ModelVersionOf(ModelVersionRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new(ModelVersion, model.Version.ToString(CultureInfo.InvariantCulture));
    }
}
