using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Capture;

/// <summary>Whether a call is captured: at random, or decided by its request id alone so every instance and retry agrees.</summary>
public static class CaptureSampler
{
    /// <param name="requestId">The request's id; without one, requestId sampling falls back to random.</param>
    public static bool Samples(CaptureConfig config, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.SampleRate <= 0)
        {
            return false;
        }

        if (config.SampleRate >= 1)
        {
            return true;
        }

        var draw = config.SampleBy == CaptureSampling.RequestId && requestId is not null ? FractionOf(requestId) : Random.Shared.NextDouble();
        return draw < config.SampleRate;
    }

    /// <summary>
    /// The id's place in [0, 1): the first 8 bytes of SHA-256 of its UTF-8 bytes, big-endian, over 2^64. A caller can
    /// compute it to know whether a request will be captured at a given rate.
    /// </summary>
    public static double FractionOf(string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(requestId), digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest) / TwoToThe64;
    }

    private const double TwoToThe64 = 18446744073709551616.0;
}
