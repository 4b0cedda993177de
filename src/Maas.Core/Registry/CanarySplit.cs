using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// Which calls made without a version the canary takes: a hash of the caller (<c>sticky: caller</c>) or of the request
/// id (<c>request</c>) with the model and canary version, mapped to one of <see cref="Buckets"/> buckets; the canary
/// takes those below its percent. The same key gives the same answer on every instance, so the split holds without
/// coordination and a caller sees one version for the whole rollout.
/// </summary>
public static class CanarySplit
{
    /// <summary>Buckets a key falls in: percent with two decimals.</summary>
    public const int Buckets = 10_000;

    private const int BucketsPerPercent = Buckets / 100;

    /// <summary>Whether the call keyed by <paramref name="key"/> goes to <paramref name="canary"/> of <paramref name="model"/>.</summary>
    public static bool ToCanary(string model, CanaryConfig canary, string key)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(key);
        return BucketOf(model, canary.Version, key) < canary.Percent * BucketsPerPercent;
    }

    /// <summary>The bucket, 0 to <see cref="Buckets"/> − 1, of <paramref name="key"/> for this model's canary version.</summary>
    public static int BucketOf(string model, long version, string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{model}\n{version}\n{key}"), hash);
        return (int)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % Buckets);
    }
}
