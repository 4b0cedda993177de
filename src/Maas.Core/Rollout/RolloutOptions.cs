using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Rollout;

/// <summary>Settings of rollouts (configuration section <c>Rollout</c>); which versions a model rolls out, and how, is in its config.json.</summary>
public sealed class RolloutOptions
{
    public const string SectionName = "Rollout";

    /// <summary>Shadow copies waiting to run off the request path; beyond it new ones are dropped and counted (<c>maas.rollout.shadow_dropped</c>).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Rollout:ShadowQueueCapacity must be between 1 and 1000000.")]
    public int ShadowQueueCapacity { get; set; } = 1_000;

    /// <summary>Shadow copies one instance runs at the same time.</summary>
    [Range(1, 64, ErrorMessage = "Rollout:ShadowConcurrency must be between 1 and 64.")]
    public int ShadowConcurrency { get; set; } = 1;

    /// <summary>
    /// How long a shadow copy waits, before it runs, for the instance's live calls in flight to finish (as batch chunks
    /// do): live calls go first, and copies that pile up meanwhile are dropped and counted; zero never waits.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01", ErrorMessage = "Rollout:ShadowYieldToLiveCalls must be between 00:00:00 and 00:00:01.")]
    public TimeSpan ShadowYieldToLiveCalls { get; set; } = TimeSpan.FromMilliseconds(5);
}
