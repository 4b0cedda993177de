using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Drift;

/// <summary>Settings of drift summaries (configuration section <c>Drift</c>); which models are summarised, and how, is per model in config.json.</summary>
public sealed class DriftOptions
{
    public const string SectionName = "Drift";

    /// <summary>Sampled calls waiting to be summarised off the request thread; beyond it new ones are dropped and counted (<c>maas.drift.dropped</c>).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Drift:QueueCapacity must be between 1 and 1000000.")]
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// Fewest values a feature needs in an hour before its drift can be flagged. Sampling alone moves a histogram: over
    /// ten bins, n values drawn from the baseline's own distribution give a PSI of about 9/n and a Jensen–Shannon
    /// distance of about √(1.6/n), so below a few hundred values the default thresholds (0.2, 0.1) flag noise; from
    /// 1,000 values noise stays well under them. Figures of smaller hours are still reported, unflagged.
    /// </summary>
    [Range(1, 1_000_000_000, ErrorMessage = "Drift:MinimumValues must be between 1 and 1000000000.")]
    public long MinimumValues { get; set; } = 1_000;
}
