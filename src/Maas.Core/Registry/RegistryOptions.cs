using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Registry;

/// <summary>Settings of the model repository (configuration section <c>Registry</c>).</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Blob container that holds <c>&lt;name&gt;/&lt;version&gt;/model.onnx</c>. The blob trigger reads the same setting.</summary>
    [Required]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Registry:ContainerName must be a valid blob container name (3-63 lower-case letters, digits and single hyphens).")]
    public string ContainerName { get; set; } = "models";

    /// <summary>Largest model blob accepted for registration, in bytes.</summary>
    [Range(1, long.MaxValue, ErrorMessage = "Registry:MaxModelBytes must be a positive number of bytes.")]
    public long MaxModelBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How long a registry lookup made by the serving path is reused before the table is read again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Registry:LookupCacheTtl must be between 00:00:00 and 01:00:00.")]
    public TimeSpan LookupCacheTtl { get; set; } = TimeSpan.FromSeconds(5);
}
