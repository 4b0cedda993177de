using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Maas.Core.Inference;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Json;

/// <summary>
/// The fast path of JSON tensor decoding: numbers (FP32 or integers) in a flat array or rectangular nested arrays,
/// parsed straight from the bytes by <see cref="JsonNumber"/>, without tokenizing. Anything else (strings such as
/// "NaN", a value out of the type's range, ragged nesting, more elements than expected, a number JSON would not accept)
/// returns null, and the caller decodes with the JSON reader instead, which gives the precise error.
/// </summary>
internal static class NumberArrayScanner
{
    /// <summary>Whether the scanner reads elements of <paramref name="type"/>.</summary>
    public static bool Reads(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Int64 or TensorElementType.Int32
        or TensorElementType.Int16 or TensorElementType.Int8 or TensorElementType.UInt64 or TensorElementType.UInt32
        or TensorElementType.UInt16 or TensorElementType.UInt8;

    /// <summary>
    /// Scans a value of <paramref name="type"/> (one <see cref="Reads"/> accepts) starting at <paramref name="start"/>
    /// into a pooled buffer: a flat array holding at most the elements of <paramref name="shape"/> when it is given (V2),
    /// else a number or rectangular nested arrays whose nesting is the shape, at most <paramref name="nesting"/> deep
    /// (simple API). Null when the scanner declines.
    /// </summary>
    public static InputTensor? TryReadTensor(ReadOnlySpan<byte> json, int start, string name, TensorElementType type, long[]? shape, int nesting, out int end) => type switch
    {
        TensorElementType.Float => TryRead<Fp32, float>(json, start, name, type, shape, nesting, out end),
        TensorElementType.Int64 => TryRead<Integer<long>, long>(json, start, name, type, shape, nesting, out end),
        TensorElementType.Int32 => TryRead<Integer<int>, int>(json, start, name, type, shape, nesting, out end),
        TensorElementType.Int16 => TryRead<Integer<short>, short>(json, start, name, type, shape, nesting, out end),
        TensorElementType.Int8 => TryRead<Integer<sbyte>, sbyte>(json, start, name, type, shape, nesting, out end),
        TensorElementType.UInt64 => TryRead<Integer<ulong>, ulong>(json, start, name, type, shape, nesting, out end),
        TensorElementType.UInt32 => TryRead<Integer<uint>, uint>(json, start, name, type, shape, nesting, out end),
        TensorElementType.UInt16 => TryRead<Integer<ushort>, ushort>(json, start, name, type, shape, nesting, out end),
        TensorElementType.UInt8 => TryRead<Integer<byte>, byte>(json, start, name, type, shape, nesting, out end),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "The scanner does not read this element type."),
    };

    private static InputTensor? TryRead<TParser, T>(ReadOnlySpan<byte> json, int start, string name, TensorElementType type, long[]? shape, int nesting, out int end)
        where TParser : INumberParser<T>
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var capacity = ((json.Length - start) / 2) + 1;
        if (shape is not null)
        {
            capacity = (int)Math.Min(TensorElements.CountOf(name, shape), capacity);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, capacity * size));
        var target = MemoryMarshal.Cast<byte, T>(buffer.AsSpan(0, capacity * size));
        int count;
        var scanned = shape is not null
            ? TryScan<TParser, T>(json, start, target, out count, out end)
            : TryScanNested<TParser, T>(json, start, target, nesting, out count, out shape, out end);
        if (!scanned)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return null;
        }

        return new InputTensor(name, type, shape!, buffer.AsMemory(0, count * size), buffer);
    }

    /// <summary>Parses one number of an element type from the bytes; false when it is not a JSON number within the type's range.</summary>
    private interface INumberParser<T>
    {
        static abstract bool TryParse(ReadOnlySpan<byte> json, int start, out int end, out T value);
    }

    private readonly struct Fp32 : INumberParser<float>
    {
        public static bool TryParse(ReadOnlySpan<byte> json, int start, out int end, out float value) => JsonNumber.TryParseFloat(json, start, out end, out value);
    }

    /// <summary>Integers without fraction or exponent (what the JSON reader's TryGetInt64 accepts), within T's range.</summary>
    private readonly struct Integer<T> : INumberParser<T>
        where T : IBinaryInteger<T>, IMinMaxValue<T>
    {
        public static bool TryParse(ReadOnlySpan<byte> json, int start, out int end, out T value)
        {
            // UInt64 beyond long's range declines here and is read by the JSON reader.
            var parsed = JsonNumber.TryParseInteger(json, start, long.CreateTruncating(T.MinValue), long.CreateSaturating(T.MaxValue), out end, out var integer);
            value = T.CreateTruncating(integer);
            return parsed;
        }
    }

    /// <param name="start">Index of the first byte after the property name's colon or whitespace before the array.</param>
    /// <param name="end">Index just after the closing bracket.</param>
    private static bool TryScan<TParser, T>(ReadOnlySpan<byte> json, int start, Span<T> target, out int count, out int end)
        where TParser : INumberParser<T>
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
            if (count == target.Length || !TParser.TryParse(json, i, out var after, out var value))
            {
                return false;
            }

            target[count++] = value;
            i = AfterElement(json, after);
            if (i < 0)
            {
                return false;
            }

            if (json[i] == (byte)']')
            {
                end = i + 1;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A number or rectangular nested arrays of numbers (the simple API's form, whose nesting is the shape), parsed
    /// straight from the bytes. Anything else, a ragged array included, returns false for the JSON reader to decode.
    /// </summary>
    private static bool TryScanNested<TParser, T>(ReadOnlySpan<byte> json, int start, Span<T> target, int maxDepth, out int count, out long[] shape, out int end)
        where TParser : INumberParser<T>
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
            return TryNumber<TParser, T>(json, ref end, target, ref count);
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

            // The numbers of one innermost array in a tight loop, up to its closing bracket (or a '[' that makes it ragged).
            var first = count;
            do
            {
                if (!TryNumber<TParser, T>(json, ref i, target, ref count))
                {
                    return false;
                }

                i = AfterElement(json, i);
                if (i < 0)
                {
                    return false;
                }
            }
            while (json[i] is not ((byte)']' or (byte)'['));

            counts[open - 1] += count - first;
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AfterElement(ReadOnlySpan<byte> json, int i)
    {
        // The common case first: a comma, and the next element right after it (whitespace is all at or below ' ').
        if ((uint)(i + 1) < (uint)json.Length && json[i] == (byte)',' && json[i + 1] > (byte)' ' && json[i + 1] != (byte)']')
        {
            return i + 1;
        }

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

    private static bool TryNumber<TParser, T>(ReadOnlySpan<byte> json, ref int i, Span<T> target, ref int count)
        where TParser : INumberParser<T>
    {
        if (count == target.Length || !TParser.TryParse(json, i, out var after, out var value))
        {
            return false;
        }

        target[count++] = value;
        i = after;
        return true;
    }

    /// <summary>The index of the first byte at or after <paramref name="i"/> that is not JSON whitespace.</summary>
    internal static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }
}
