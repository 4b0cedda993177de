using System.ComponentModel.DataAnnotations;

namespace Maas.Core.Serving;

/// <summary>Bounds on what a caller may send (configuration section <c>Limits</c>).</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Largest request body accepted, in bytes; larger bodies get 413.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "Limits:MaxRequestBytes must be between 1 and 2147483647 bytes.")]
    public int MaxRequestBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// The Functions host's own body limit (its <c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c>, 100 MB by default). The worker's
    /// server takes bodies up to it, so that one over <see cref="MaxRequestBytes"/> is read to its end and answered 413:
    /// a worker that stops reading and closes the connection while the host is still forwarding the body makes the host
    /// answer an empty 500 instead.
    /// </summary>
    [Range(1, long.MaxValue, ErrorMessage = "Limits:HostMaxRequestBytes must be at least 1 byte.")]
    public long HostMaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted in a request (nested tensor data counts).</summary>
    [Range(1, 1024, ErrorMessage = "Limits:MaxJsonDepth must be between 1 and 1024.")]
    public int MaxJsonDepth { get; set; } = 64;
}
