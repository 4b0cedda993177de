using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Maas.Core.Inference;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Capture;

/// <summary>
/// Applies a field's <see cref="CaptureAction"/> to a tensor while it is still in the request's memory, so that what
/// leaves for the capture writer holds nothing the action hides: <c>drop</c> gives nothing, <c>mask</c> zeros numbers
/// and stars all but the last 4 characters of strings, <c>hash</c> turns every element into the hex HMAC-SHA256 of its
/// bytes (little-endian for numbers, UTF-8 for strings) under the capture key.
/// </summary>
public static class Deidentifier
{
    /// <summary>Characters of a string <c>mask</c> leaves readable, at its end.</summary>
    public const int MaskKeepsLast = 4;

    private const char MaskCharacter = '*';

    /// <summary>Characters of one hashed element: the hex of 32 bytes.</summary>
    public const int HashedElementChars = 2 * HMACSHA256.HashSizeInBytes;

    /// <summary>The record's form of the tensor, or null when the action drops it.</summary>
    /// <param name="numbers">The dense element bytes of a numeric tensor (ignored for strings).</param>
    /// <param name="strings">The elements of a string tensor; null for numeric types.</param>
    /// <param name="hashKey">The HMAC key; required when <paramref name="action"/> is <see cref="CaptureAction.Hash"/>.</param>
    public static CapturedTensor? Apply(
        CaptureAction action, string name, TensorElementType type, long[] shape, ReadOnlySpan<byte> numbers, IReadOnlyList<string>? strings, byte[]? hashKey)
    {
        switch (action)
        {
            case CaptureAction.Drop:
                return null;
            case CaptureAction.Keep:
                return strings is not null
                    ? CapturedTensor.Text(name, type, shape, [.. strings])
                    : CapturedTensor.Copy(name, type, shape, numbers);
            case CaptureAction.Mask:
                return strings is not null
                    ? CapturedTensor.Text(name, type, shape, [.. strings.Select(Mask)])
                    : CapturedTensor.Zeros(name, type, shape, numbers.Length);
            case CaptureAction.Hash:
                ArgumentNullException.ThrowIfNull(hashKey);
                return CapturedTensor.Text(name, TensorElementType.String, shape, strings is not null ? HashStrings(strings, hashKey) : HashNumbers(numbers, TensorElements.SizeOf(type), hashKey));
            default:
                throw new ArgumentOutOfRangeException(nameof(action), action, "Unknown capture action.");
        }
    }

    /// <summary>The hex HMAC-SHA256 of <paramref name="value"/>'s UTF-8 bytes (the caller's app id is hashed this way too).</summary>
    public static string Hash(string value, byte[] hashKey) => HashOf(Encoding.UTF8.GetBytes(value), hashKey);

    /// <summary>All but the last <see cref="MaskKeepsLast"/> characters (Unicode scalar values) as '*'.</summary>
    public static string Mask(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var runes = value.EnumerateRunes().ToList();
        var hidden = Math.Max(0, runes.Count - MaskKeepsLast);
        var masked = new StringBuilder(value.Length);
        masked.Append(MaskCharacter, hidden);
        foreach (var rune in runes.Skip(hidden))
        {
            masked.Append(rune.ToString());
        }

        return masked.ToString();
    }

    private static string[] HashStrings(IReadOnlyList<string> strings, byte[] hashKey) => [.. strings.Select(value => Hash(value, hashKey))];

    private static string[] HashNumbers(ReadOnlySpan<byte> numbers, int size, byte[] hashKey)
    {
        var hashes = new string[numbers.Length / size];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = HashOf(numbers.Slice(i * size, size), hashKey);
        }

        return hashes;
    }

    private static string HashOf(ReadOnlySpan<byte> bytes, byte[] hashKey)
    {
        Span<byte> digest = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(hashKey, bytes, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Tensor bytes the record would carry after <paramref name="action"/>, known before anything is copied.</summary>
    public static long PayloadBytes(CaptureAction action, long elements, long rawBytes) => action switch
    {
        CaptureAction.Drop => 0,
        CaptureAction.Hash => elements * HashedElementChars,
        _ => rawBytes,
    };

    internal static string Describe(long bytes, long limit)
        => string.Create(CultureInfo.InvariantCulture, $"tensors left out: {bytes} bytes exceed maxPayloadBytes {limit}");
}
