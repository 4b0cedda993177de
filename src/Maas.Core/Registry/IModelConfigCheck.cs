using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// A check of a model's config.json against its graph and the app's settings, run at registration once the graph has
/// loaded: a problem makes the version Failed with that reason, so a config that cannot be honoured is never served.
/// </summary>
public interface IModelConfigCheck
{
    /// <summary>Null when the config is fine for this graph; otherwise what is wrong and what to do.</summary>
    string? ProblemWith(ModelConfig config, ModelInspection inspection);
}
