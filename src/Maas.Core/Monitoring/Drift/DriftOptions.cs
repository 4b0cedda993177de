using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Monitoring.Drift;

/// <summary>Settings of drift summaries (configuration section <c>Drift</c>); which models are summarised, and how, is per model in config.json.</summary>
public sealed class DriftOptions
{
    public const string SectionName = "Drift";

    /// <summary>Sampled calls waiting to be summarised off the request thread; beyond it new ones are dropped and counted (<c>maas.drift.dropped</c>).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Drift:QueueCapacity must be between 1 and 1000000.")]
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// Fewest values a feature needs in an hour before its drift can be flagged: over a handful of values PSI and
    /// Jensen–Shannon distance are noise. Figures of smaller hours are still reported, unflagged.
    /// </summary>
    [Range(1, 1_000_000_000, ErrorMessage = "Drift:MinimumValues must be between 1 and 1000000000.")]
    public long MinimumValues { get; set; } = 100;
}
