using System.ComponentModel.DataAnnotations;
using Azure.Core;
using Azure.Data.Tables;

namespace Maas.Core.Registry;

/// <summary>Settings of the model repository (configuration section <c>Registry</c>).</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Blob container that holds <c>&lt;name&gt;/&lt;version&gt;/model.onnx</c>. The blob trigger reads the same setting.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Registry:ContainerName must be a valid blob container name (3-63 lower-case letters, digits and single hyphens).")]
    public string ContainerName { get; set; } = "models";

    /// <summary>
    /// Storage queue Event Grid delivers the models container's <c>BlobDeleted</c> events to (in Azure); the
    /// <c>RemoveModel</c> function reads it, so a deleted <c>model.onnx</c> stops serving at once.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Registry:DeletionQueueName must be a valid queue name (3-63 lower-case letters, digits and single hyphens).")]
    public string DeletionQueueName { get; set; } = "model-deletions";

    /// <summary>
    /// Blob container where registration keeps each version's graph as ONNX Runtime optimised it (outside the models
    /// container, which the trigger watches).
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Registry:OptimizedContainerName must be a valid blob container name (3-63 lower-case letters, digits and single hyphens).")]
    public string OptimizedContainerName { get; set; } = "models-optimized";

    /// <summary>Blob container of full evaluation reports (outside the models container, which the trigger watches).</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Registry:EvaluationContainerName must be a valid blob container name (3-63 lower-case letters, digits and single hyphens).")]
    public string EvaluationContainerName { get; set; } = "evaluations";

    /// <summary>Most examples an evaluation.jsonl may hold; a larger set is not evaluated (the version is not promoted, with the reason).</summary>
    [Range(1, 10_000_000, ErrorMessage = "Registry:MaxEvaluationRows must be between 1 and 10000000.")]
    public int MaxEvaluationRows { get; set; } = 100_000;

    /// <summary>How long evaluating one version may take; a slower evaluation leaves the version unpromoted, with the reason.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Registry:EvaluationTimeout must be between 00:00:01 and 01:00:00.")]
    public TimeSpan EvaluationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest model blob accepted for registration, in bytes.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Registry:MaxModelBytes must be a positive number of bytes.")]
    public long MaxModelBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How long a registry lookup made by the serving path is reused before the table is read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Registry:LookupCacheTtl must be between 00:00:00 and 01:00:00.")]
    public TimeSpan LookupCacheTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The whole budget of one registry lookup on the serving path, retries included: the lookup client's Azure SDK
    /// retry options are derived from it, and the lookup is cancelled when it runs out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "Registry:LookupTimeout must be between 00:00:00.050 and 00:01:00.")]
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the last registry rows read keep serving a model while storage cannot be read (stale-if-error).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Registry:StaleServeLimit must be between 00:00:00 and 7.00:00:00.")]
    public TimeSpan StaleServeLimit { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Client options of the serving path's registry reads: one retry after a short fixed delay, each try bounded by
    /// half of <see cref="LookupTimeout"/>, so a failing or hanging storage costs at most about that budget.
    /// </summary>
    public TableClientOptions LookupClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.Mode = RetryMode.Fixed;
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromTicks(Math.Min(LookupRetryDelay.Ticks, LookupTimeout.Ticks / 10));
        options.Retry.NetworkTimeout = LookupTimeout / 2;
        return options;
    }

    private static readonly TimeSpan LookupRetryDelay = TimeSpan.FromMilliseconds(100);
}
