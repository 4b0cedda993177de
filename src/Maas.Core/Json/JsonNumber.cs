using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using csFastFloat;

namespace Maas.Core.Json;

/// <summary>
/// Parses one JSON number straight from the bytes, strictly by JSON's grammar (<c>-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?</c>).
/// FP32: a number whose significant digits fit 2^53 and whose decimal exponent is within ±22 is computed as one
/// correctly rounded double operation (Clinger's fast path) and narrowed to float unless the double fell exactly on
/// a midpoint between two floats; everything else goes to csFastFloat. Both are correctly rounded, so the result is
/// the float nearest the decimal value, bit for bit what <see cref="float.Parse(string)"/> gives.
/// </summary>
internal static class JsonNumber
{
    /// <summary>Integer digits a <see cref="ulong"/> holds whatever they are.</summary>
    private const int MaxDigits = 19;

    /// <summary>
    /// Below these the mantissa takes one more digit (eight more) and keeps at most 19 significant digits: it never
    /// wraps, and only digits past the 19th are left out.
    /// </summary>
    private const ulong MantissaRoomForOne = 1_000_000_000_000_000_000;

    private const ulong MantissaRoomForEight = 100_000_000_000;

    /// <summary>Largest mantissa a double holds exactly, and the largest power of ten it holds exactly (10^22).</summary>
    private const ulong MaxExactMantissa = 1UL << 53;

    private const int MaxExactPowerOfTen = 22;

    /// <summary>Bits a double has below a float's last mantissa bit, and their pattern when the double is a float midpoint.</summary>
    private const ulong BelowFloatMask = (1UL << 29) - 1;

    private const ulong FloatMidpoint = 1UL << 28;

    /// <summary>Exponents beyond this are no longer accumulated: the value is out of every float's range anyway.</summary>
    private const int ExponentCap = 100_000;

    /// <summary>Bound on the error of a product with a rounded power of ten, in double ulps (2 proven, one spare).</summary>
    private const long ProductErrorUlps = 3;

    /// <summary>Bytes the common-shape scan may read from a number's start: a sign and a 16-byte window.</summary>
    private const int CommonShapeBytes = 17;

    private const int MaxCommonIntegerDigits = 7;

    /// <summary>10^-22 to 10^22, indexed by the power plus 22: exact from 10^0 up, correctly rounded below.</summary>
    private static readonly double[] ScaledPowersOfTen =
    [
        1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1,
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// An FP32 number at <paramref name="start"/>; <paramref name="end"/> is just past it. False when the bytes are not
    /// a JSON number or the number is beyond FP32's range (the JSON reader then gives the precise error).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseFloat(ReadOnlySpan<byte> json, int start, out int end, out float value)
    {
        // Small enough to inline into the scanner's loops; the rest of the work stays out of line.
        if (TryScanCommon(json, start, out end, out var mantissa, out var exponent, out var negative) && TryNarrow(mantissa, exponent, negative, out value))
        {
            return true;
        }

        return TryParseFloatByBytes(json, start, out end, out value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TryParseFloatByBytes(ReadOnlySpan<byte> json, int start, out int end, out float value)
    {
        value = 0;
        if (!TryScan(json, start, out end, out var mantissa, out var exponent, out var negative, out var exact))
        {
            return false;
        }

        if (exact && mantissa <= MaxExactMantissa && exponent is >= -MaxExactPowerOfTen and <= MaxExactPowerOfTen
            && TryNarrow(mantissa, exponent, negative, out value))
        {
            return true;
        }

        return FastFloatParser.TryParseFloat(json[start..end], out var consumed, out value) && consumed == end - start && float.IsFinite(value);
    }

    /// <summary>
    /// The float nearest mantissa × 10^exponent (mantissa at most 2^53, exponent within ±22) by Clinger's fast path:
    /// false when the double product lies too near a float midpoint to decide.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryNarrow(ulong mantissa, int exponent, bool negative, out float value)
    {
        // The mantissa converts exactly; the power of ten is exact above 1 and rounded below, so the product lies
        // within 3 of a double's units in the last place (ulps) of the value.
        var magnitude = (long)mantissa * ScaledPowersOfTen[exponent + MaxExactPowerOfTen];

        // Nonzero results here lie within 1e-22 .. 9e37, normal floats, whose midpoints have the double's low 29 bits
        // 0x1000_0000. Further than the error from a midpoint, the double rounds to the float the value rounds to.
        var distance = (long)(BitConverter.DoubleToUInt64Bits(magnitude) & BelowFloatMask) - (long)FloatMidpoint;
        var sign = (negative ? 1u : 0u) << 31;
        value = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits((float)magnitude) | sign);
        return (ulong)(distance + ProductErrorUlps) > 2 * ProductErrorUlps || mantissa == 0;
    }

    /// <summary>An integer (no fraction, no exponent) within [<paramref name="min"/>, <paramref name="max"/>] at <paramref name="start"/>.</summary>
    public static bool TryParseInteger(ReadOnlySpan<byte> json, int start, long min, long max, out int end, out long value)
    {
        value = 0;
        end = start;
        var i = start;
        var negative = i < json.Length && json[i] == (byte)'-';
        if (negative)
        {
            i++;
        }

        if (i >= json.Length || !IsDigit(json[i]) || (json[i] == (byte)'0' && i + 1 < json.Length && IsDigit(json[i + 1])))
        {
            return false;
        }

        var first = i;
        ulong magnitude = 0;
        while (i < json.Length && IsDigit(json[i]))
        {
            magnitude = (magnitude * 10) + (uint)(json[i] - '0');
            i++;
        }

        if (i - first > MaxDigits || (i < json.Length && json[i] is (byte)'.' or (byte)'e' or (byte)'E'))
        {
            return false;
        }

        // Nineteen digits cannot wrap a ulong; the magnitude is then checked against the type's range.
        if (magnitude > (negative ? MagnitudeOf(min) : (ulong)max))
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        end = i;
        return true;
    }

    /// <summary>
    /// The shape numbers almost always have (1 to 7 integer digits, optionally a fraction, 15 digits at most, no
    /// exponent), read with SSE from one 16-byte window: one comparison finds every digit, two bit scans find the
    /// integer and fraction runs, one shuffle drops the point and right-aligns the digits, and three multiply-adds
    /// combine them into two 8-digit halves. False for anything else (invalid numbers included), which
    /// <see cref="TryScan"/> then reads byte by byte; also when the CPU lacks SSE4.1 or the body has fewer than
    /// <see cref="CommonShapeBytes"/> bytes left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryScanCommon(ReadOnlySpan<byte> json, int start, out int end, out ulong mantissa, out int exponent, out bool negative)
    {
        end = start;
        mantissa = 0;
        exponent = 0;
        negative = false;
        if (!Sse41.IsSupported || json.Length - start < CommonShapeBytes)
        {
            return false;
        }

        ref var number = ref Unsafe.Add(ref MemoryMarshal.GetReference(json), start);
        var minus = number == (byte)'-';
        var at = minus ? 1 : 0;
        var values = Vector128.LoadUnsafe(ref number, (nuint)at) - Vector128.Create((byte)'0');
        var digitBits = Vector128.LessThanOrEqual(values, Vector128.Create((byte)9)).ExtractMostSignificantBits();
        var integerDigits = BitOperations.TrailingZeroCount(~digitBits);
        if ((uint)(integerDigits - 1) >= MaxCommonIntegerDigits || (values.GetElement(0) == 0 && integerDigits > 1))
        {
            return false;
        }

        var fractionDigits = 0;
        var next = at + integerDigits;
        if (Unsafe.Add(ref number, next) == (byte)'.')
        {
            fractionDigits = BitOperations.TrailingZeroCount(~(digitBits >> (integerDigits + 1)));
            next += 1 + fractionDigits;

            // A run reaching the window's end may go on past it.
            if (fractionDigits == 0 || integerDigits + 1 + fractionDigits >= Vector128<byte>.Count)
            {
                return false;
            }
        }

        if ((Unsafe.Add(ref number, next) | 0x20) == (byte)'e')
        {
            return false;
        }

        var aligned = Ssse3.Shuffle(values, Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(DigitGathers), (nuint)(((integerDigits * Vector128<byte>.Count) + fractionDigits) * Vector128<byte>.Count)));
        var pairs = Ssse3.MultiplyAddAdjacent(aligned, Vector128.Create(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
        var quads = Sse2.MultiplyAddAdjacent(pairs, Vector128.Create(100, 1, 100, 1, 100, 1, 100, 1));
        var eights = Sse2.MultiplyAddAdjacent(Sse41.PackUnsignedSaturate(quads, quads).AsInt16(), Vector128.Create(10_000, 1, 10_000, 1, 10_000, 1, 10_000, 1));
        mantissa = ((ulong)(uint)eights.GetElement(0) * 100_000_000) + (uint)eights.GetElement(1);
        exponent = -fractionDigits;
        negative = minus;
        end = start + next;
        return true;
    }

    /// <summary>
    /// Shuffle masks for <see cref="TryScanCommon"/>, one per (integer digits, fraction digits): output byte 16 - n + j
    /// takes the window's j-th digit (skipping the point), leading bytes are zeroed (0x80).
    /// </summary>
    private static readonly byte[] DigitGathers = BuildDigitGathers();

    private static byte[] BuildDigitGathers()
    {
        const int width = 16;
        var table = new byte[(MaxCommonIntegerDigits + 1) * width * width];
        for (var integer = 0; integer <= MaxCommonIntegerDigits; integer++)
        {
            for (var fraction = 0; fraction < width; fraction++)
            {
                var mask = table.AsSpan(((integer * width) + fraction) * width, width);
                mask.Fill(0x80);
                var count = Math.Min(integer + fraction, width);
                for (var j = 0; j < count; j++)
                {
                    mask[width - count + j] = (byte)(j < integer ? j : j + 1);
                }
            }
        }

        return table;
    }

    /// <summary>
    /// Splits a JSON number into its first 19 significant digits and a power of ten; <paramref name="exact"/> is false
    /// when nonzero digits were left out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool TryScan(ReadOnlySpan<byte> json, int start, out int end, out ulong mantissa, out int exponent, out bool negative, out bool exact)
    {
        // Locals, copied to the out parameters once, so that the digits are accumulated in registers.
        ulong digits = 0;
        var power = 0;
        var allKept = true;
        end = start;
        mantissa = 0;
        exponent = 0;
        exact = true;
        var i = start;
        negative = i < json.Length && json[i] == (byte)'-';
        i += negative ? 1 : 0;
        if (i >= json.Length || !IsDigit(json[i]))
        {
            return false;
        }

        var integerStart = i;
        AppendDigits(json, ref i, ref digits, ref power, ref allKept, fraction: false);
        if (json[integerStart] == (byte)'0' && i - integerStart > 1)
        {
            return false;
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            i++;
            if (i >= json.Length || !IsDigit(json[i]))
            {
                return false;
            }

            AppendDigits(json, ref i, ref digits, ref power, ref allKept, fraction: true);
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            var negativeExponent = i < json.Length && json[i] == (byte)'-';
            if (i < json.Length && json[i] is (byte)'-' or (byte)'+')
            {
                i++;
            }

            if (i >= json.Length || !IsDigit(json[i]))
            {
                return false;
            }

            var written = 0;
            for (; i < json.Length && IsDigit(json[i]); i++)
            {
                written = written < ExponentCap ? (written * 10) + (json[i] - '0') : written;
            }

            power += negativeExponent ? -written : written;
        }

        end = i;
        mantissa = digits;
        exponent = power;
        exact = allKept;
        return true;
    }

    /// <summary>|<paramref name="min"/>| for a range's lower end (0 or below), long.MinValue included.</summary>
    private static ulong MagnitudeOf(long min) => min == 0 ? 0 : (ulong)(-(min + 1)) + 1;

    /// <summary>
    /// Appends the run of digits at <paramref name="i"/> to the mantissa, up to 19 significant digits: fraction digits
    /// each lower the exponent, integer digits past the 19th each raise it. Up to eight digits at a time are found and
    /// converted from one 64-bit word without a branch per digit; the last few bytes of the body go digit by digit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AppendDigits(ReadOnlySpan<byte> json, ref int i, ref ulong mantissa, ref int exponent, ref bool exact, bool fraction)
    {
        while (i + sizeof(ulong) <= json.Length && mantissa < MantissaRoomForEight)
        {
            var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.AsRef(in json[i]));
            var run = DigitRun(word);
            if (run == 0)
            {
                return;
            }

            mantissa = (mantissa * WordPowersOfTen[run]) + LeadingDigits(word, run);
            exponent -= fraction ? run : 0;
            i += run;
            if (run < sizeof(ulong))
            {
                return;
            }
        }

        for (; i < json.Length && IsDigit(json[i]); i++)
        {
            if (mantissa < MantissaRoomForOne)
            {
                mantissa = (mantissa * 10) + (uint)(json[i] - '0');
                exponent -= fraction ? 1 : 0;
            }
            else
            {
                exponent += fraction ? 0 : 1;
                exact &= json[i] == (byte)'0';
            }
        }
    }

    private static ReadOnlySpan<ulong> WordPowersOfTen => [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>
    /// How many of a little-endian word's bytes, from the first, are ASCII digits (0-8): a byte is a digit when its high
    /// nibble is 3 and adding 6 keeps it 3. ASCII bytes never carry between bytes here; a byte from 0xFA carries only into
    /// bytes after it, which lie past the first non-digit anyway.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DigitRun(ulong word)
    {
        const ulong high = 0xF0F0_F0F0_F0F0_F0F0;
        var nonDigits = ((word & high) | (((word + 0x0606_0606_0606_0606) & high) >> 4)) ^ 0x3333_3333_3333_3333;
        return BitOperations.TrailingZeroCount(nonDigits) >> 3;
    }

    /// <summary>
    /// The value of a word's first <paramref name="run"/> digit bytes (1-8): shifted to the word's top so that zero
    /// bytes lead, then adjacent digits combined pairwise into 2-, 4- and 8-digit values with three multiplications.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LeadingDigits(ulong word, int run)
    {
        var digits = (word - 0x3030_3030_3030_3030) << (8 * (sizeof(ulong) - run));
        var pairs = (digits * 10) + (digits >> 8);
        return (((pairs & 0x0000_00FF_0000_00FF) * (100 + (1_000_000UL << 32)))
            + (((pairs >> 16) & 0x0000_00FF_0000_00FF) * (1 + (10_000UL << 32)))) >> 32;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;
}
