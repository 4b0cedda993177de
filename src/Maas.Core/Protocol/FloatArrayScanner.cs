using csFastFloat;

namespace Maas.Core.Protocol;

/// <summary>
/// The fast path of V2 JSON decoding: a flat JSON array of plain FP32 numbers, parsed straight from the bytes with
/// csFastFloat, without tokenizing. Anything else (nesting, strings such as "NaN", a value out of range, more elements
/// than expected, or a number JSON would not accept) returns false, and the caller decodes with the JSON reader instead,
/// which gives the precise error.
/// </summary>
internal static class FloatArrayScanner
{
    /// <param name="start">Index of the first byte after the property name's colon or whitespace before the array.</param>
    /// <param name="end">Index just after the closing bracket.</param>
    public static bool TryScan(ReadOnlySpan<byte> json, int start, Span<float> target, out int count, out int end)
    {
        count = 0;
        end = 0;
        var i = SkipWhitespace(json, start);
        if (i < json.Length && json[i] == (byte)':')
        {
            i = SkipWhitespace(json, i + 1);
        }

        if (i >= json.Length || json[i] != (byte)'[')
        {
            return false;
        }

        i = SkipWhitespace(json, i + 1);
        if (i < json.Length && json[i] == (byte)']')
        {
            end = i + 1;
            return true;
        }

        while (i < json.Length)
        {
            if (count == target.Length || !IsJsonNumberStart(json, i)
                || !FastFloatParser.TryParseFloat(json[i..], out var consumed, out float value) || !float.IsFinite(value)
                || json[i + consumed - 1] == (byte)'.')
            {
                return false;
            }

            target[count++] = value;
            i = SkipWhitespace(json, i + consumed);
            if (i >= json.Length)
            {
                return false;
            }

            if (json[i] == (byte)']')
            {
                end = i + 1;
                return true;
            }

            if (json[i] != (byte)',')
            {
                return false;
            }

            i = SkipWhitespace(json, i + 1);
        }

        return false;
    }

    /// <summary>JSON numbers start with '-' or a digit, and a leading zero is never followed by another digit.</summary>
    private static bool IsJsonNumberStart(ReadOnlySpan<byte> json, int i)
    {
        var digit = json[i] == (byte)'-' ? i + 1 : i;
        return digit < json.Length && char.IsAsciiDigit((char)json[digit])
            && !(json[digit] == (byte)'0' && digit + 1 < json.Length && char.IsAsciiDigit((char)json[digit + 1]));
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }
}
