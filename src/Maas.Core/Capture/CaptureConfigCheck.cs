using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Capture;

/// <summary>
/// A model's <c>capture</c> must name only tensors the graph has, or for a generative model only its <c>prompt</c> and
/// <c>completion</c> (a misspelt sensitive field would otherwise fall to the default and be captured), and may ask for
/// <c>hash</c> only when <c>Capture:HashKey</c> is set.
/// </summary>
public sealed class CaptureConfigCheck(IOptions<CaptureOptions> options) : IModelConfigCheck
{
    public string? ProblemWith(ModelConfig config, ModelInspection inspection, string folderPath)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(inspection);
        if (config.Capture is not { } capture)
        {
            return null;
        }

        if (config.Generation is not null)
        {
            var other = capture.Fields.Keys.Where(name => name is not (GenerationConfig.PromptField or GenerationConfig.CompletionField)).Order(StringComparer.Ordinal).ToList();
            if (other.Count > 0)
            {
                return $"config.json capture.fields names {string.Join(", ", other.Select(name => $"'{name}'"))}; a generative model's calls are captured as '{GenerationConfig.PromptField}' and '{GenerationConfig.CompletionField}'.";
            }
        }

        var tensors = inspection.Inputs.Concat(inspection.Outputs).Select(tensor => tensor.Name).ToHashSet(StringComparer.Ordinal);
        var unknown = config.Generation is not null ? [] : capture.Fields.Keys.Where(name => !tensors.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            return $"config.json capture.fields names {string.Join(", ", unknown.Select(name => $"'{name}'"))}, which the graph does not have; "
                + $"expected its inputs ({string.Join(", ", inspection.Inputs.Select(i => i.Name))}) or outputs ({string.Join(", ", inspection.Outputs.Select(o => o.Name))}).";
        }

        var hashed = capture.Fields.Where(field => field.Value == CaptureAction.Hash).Select(field => $"'{field.Key}'").Order(StringComparer.Ordinal).ToList();
        return hashed.Count > 0 && !options.Value.HasHashKey
            ? $"config.json capture asks to hash {string.Join(", ", hashed)}, but the setting Capture:HashKey is not set; set it (in Azure, a Key Vault reference) or use mask or drop."
            : null;
    }
}
