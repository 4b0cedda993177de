using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Capture;

/// <summary>Settings of inference data capture (configuration section <c>Capture</c>); what is captured is per model, in config.json.</summary>
public sealed class CaptureOptions : IValidatableObject
{
    public const string SectionName = "Capture";

    /// <summary>A Key Vault reference App Service could not resolve keeps this form; it is never used as a key.</summary>
    private const string UnresolvedKeyVaultReference = "@Microsoft.KeyVault(";

    /// <summary>Fewest characters of a hash key: 32 (the length of a base64-encoded 192-bit key).</summary>
    public const int MinHashKeyLength = 32;

    /// <summary>Blob container the captured calls go to, in the model storage account.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Capture:ContainerName must be a blob container name: 3-63 lowercase letters, digits and single hyphens.")]
    public string ContainerName { get; set; } = "captures";

    /// <summary>
    /// The HMAC-SHA256 key of <c>hash</c> fields and of the caller's app id (in Azure a Key Vault reference); empty when
    /// not set, and then models asking for <c>hash</c> fail registration and callers are left out of records.
    /// </summary>
    public string? HashKey { get; set; }

    /// <summary>Records waiting for the background writer; beyond it new records are dropped and counted.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Capture:QueueCapacity must be between 1 and 1000000.")]
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// Most tensor bytes (element bytes, string characters) one record carries when config.json sets no
    /// <c>maxPayloadBytes</c>; a larger call keeps its metadata only. At most <see cref="PayloadBytesLimit"/>, so that a
    /// record's JSON (up to 4 characters per byte for FP32) fits one 4 MiB append block.
    /// </summary>
    [Range(0, PayloadBytesLimit, ErrorMessage = "Capture:MaxPayloadBytes must be between 0 and 786432 (768 KiB: a record's JSON must fit one 4 MiB append block).")]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>The highest <see cref="MaxPayloadBytes"/> (and config.json <c>capture.maxPayloadBytes</c>): 768 KiB.</summary>
    public const int PayloadBytesLimit = 768 * 1024;

    /// <summary>How long the writer waits for more records before appending what it has.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Capture:FlushInterval must be between 00:00:00.010 and 00:10:00.")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether a usable hash key is set (an unresolved Key Vault reference is not one).</summary>
    public bool HasHashKey => !string.IsNullOrEmpty(HashKey) && !HashKey.StartsWith(UnresolvedKeyVaultReference, StringComparison.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HasHashKey && HashKey!.Length < MinHashKeyLength)
        {
            yield return new ValidationResult(
                $"Capture:HashKey must have at least {MinHashKeyLength} characters (for example 32 random bytes in base64); leave it empty to capture no hashed fields.",
                [nameof(HashKey)]);
        }
    }
}
