using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// A check of a model's config.json against its graph, the files beside it and the app's settings, run at registration
/// once the graph has loaded: a problem makes the version Failed with that reason, so a config that cannot be honoured
/// is never served.
/// </summary>
public interface IModelConfigCheck
{
    /// <summary>Null when the config is fine for this graph; otherwise what is wrong and what to do.</summary>
    /// <param name="folderPath">The version's files, copied to a private temp folder (read-only for the check).</param>
    string? ProblemWith(ModelConfig config, ModelInspection inspection, string folderPath);
}
