using System.Buffers;
using System.Runtime.InteropServices;
using csFastFloat;
using Maas.Core.Inference;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Protocol.Json;

/// <summary>
/// The fast path of V2 JSON decoding: a flat JSON array of plain FP32 numbers, parsed straight from the bytes with
/// csFastFloat, without tokenizing. Anything else (nesting, strings such as "NaN", a value out of range, more elements
/// than expected, or a number JSON would not accept) returns false, and the caller decodes with the JSON reader instead,
/// which gives the precise error.
/// </summary>
internal static class FloatArrayScanner
{
    /// <summary>
    /// Scans an FP32 value starting at <paramref name="start"/> into a pooled buffer: a flat array holding at most the
    /// elements of <paramref name="shape"/> when it is given (V2), else a number or rectangular nested arrays whose
    /// nesting is the shape, at most <paramref name="nesting"/> deep (simple API). Null when the scanner declines.
    /// </summary>
    public static InputTensor? TryReadTensor(ReadOnlySpan<byte> json, int start, string name, long[]? shape, int nesting, out int end)
    {
        var capacity = ((json.Length - start) / 2) + 1;
        if (shape is not null)
        {
            capacity = (int)Math.Min(TensorElements.CountOf(name, shape), capacity);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, capacity * sizeof(float)));
        var target = MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, capacity * sizeof(float)));
        int count;
        var scanned = shape is not null
            ? TryScan(json, start, target, out count, out end)
            : TryScanNested(json, start, target, nesting, out count, out shape, out end);
        if (!scanned)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        return new InputTensor(name, TensorElementType.Float, shape!, buffer.AsMemory(0, count * sizeof(float)), buffer);
    }

    /// <param name="start">Index of the first byte after the property name's colon or whitespace before the array.</param>
    /// <param name="end">Index just after the closing bracket.</param>
    private static bool TryScan(ReadOnlySpan<byte> json, int start, Span<float> target, out int count, out int end)
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

    /// <summary>
    /// A number or rectangular nested arrays of FP32 numbers (the simple API's form, whose nesting is the shape), parsed
    /// straight from the bytes. Anything else, a ragged array included, returns false for the JSON reader to decode.
    /// </summary>
    private static bool TryScanNested(ReadOnlySpan<byte> json, int start, Span<float> target, int maxDepth, out int count, out long[] shape, out int end)
    {
        count = 0;
        shape = [];
        end = 0;
        var i = SkipWhitespace(json, start);
        if (i < json.Length && json[i] == (byte)':')
        {
            i = SkipWhitespace(json, i + 1);
        }

        if (i < json.Length && json[i] != (byte)'[')
        {
            end = i;
            return TryNumber(json, ref end, target, ref count);
        }

        Span<long> dims = stackalloc long[Math.Clamp(maxDepth, 1, MaxNesting)];
        Span<long> counts = stackalloc long[dims.Length];
        dims.Fill(-1);
        var open = 0;
        var leafLevel = -1;
        while (i < json.Length)
        {
            var b = json[i];
            if (b == (byte)'[')
            {
                if (open == dims.Length || (leafLevel >= 0 && open >= leafLevel))
                {
                    return false;
                }

                counts[open++] = 0;
                i = SkipWhitespace(json, i + 1);
                continue;
            }

            if (b == (byte)']')
            {
                var level = open - 1;
                if (dims[level] < 0)
                {
                    dims[level] = counts[level];
                }
                else if (dims[level] != counts[level])
                {
                    return false;
                }

                if (--open == 0)
                {
                    var rank = leafLevel < 0 ? Rank(dims) : leafLevel;
                    shape = dims[..rank].ToArray();
                    end = i + 1;
                    return true;
                }

                counts[open - 1]++;
                i = AfterElement(json, i + 1);
                if (i < 0)
                {
                    return false;
                }

                continue;
            }

            if (leafLevel < 0)
            {
                leafLevel = open;
            }
            else if (leafLevel != open)
            {
                return false;
            }

            if (!TryNumber(json, ref i, target, ref count))
            {
                return false;
            }

            counts[open - 1]++;
            i = AfterElement(json, i);
            if (i < 0)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>Deepest nesting the scanner follows; deeper data goes to the JSON reader.</summary>
    private const int MaxNesting = 16;

    private static int Rank(Span<long> dims)
    {
        var rank = 0;
        while (rank < dims.Length && dims[rank] >= 0)
        {
            rank++;
        }

        return rank;
    }

    /// <summary>After an element: past a comma to the next element, or onto a closing bracket; -1 when neither follows.</summary>
    private static int AfterElement(ReadOnlySpan<byte> json, int i)
    {
        i = SkipWhitespace(json, i);
        if (i >= json.Length)
        {
            return -1;
        }

        if (json[i] == (byte)']')
        {
            return i;
        }

        if (json[i] != (byte)',')
        {
            return -1;
        }

        i = SkipWhitespace(json, i + 1);
        return i < json.Length && json[i] != (byte)']' ? i : -1;
    }

    private static bool TryNumber(ReadOnlySpan<byte> json, ref int i, Span<float> target, ref int count)
    {
        if (count == target.Length || !IsJsonNumberStart(json, i)
            || !FastFloatParser.TryParseFloat(json[i..], out var consumed, out float value) || !float.IsFinite(value)
            || json[i + consumed - 1] == (byte)'.')
        {
            return false;
        }

        target[count++] = value;
        i += consumed;
        return true;
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
