using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Json;

/// <summary>
/// Reads a tensor's JSON data (a scalar, a flat array or nested arrays, row-major) into an <see cref="InputTensor"/>,
/// for both APIs. Numbers (FP32 and integers) go through <see cref="NumberArrayScanner"/> straight from the bytes when
/// the reader can resume after it; anything the scanner declines is decoded token by token, which gives the precise errors.
/// </summary>
internal static class JsonTensorReader
{
    /// <summary>
    /// Reads the value of the property the reader is on and leaves the reader on the value's last token (or, after the
    /// fast path, restarted just after it). With <paramref name="shape"/> (V2) the data may be flat or nested in any way;
    /// without it (simple API) the nesting is the shape.
    /// </summary>
    public static InputTensor ReadProperty(
        ref Utf8JsonReader reader, JsonCursor cursor, ResumePoint resume, string name, TensorElementType type, long[]? shape, int maxJsonDepth)
    {
        var nesting = maxJsonDepth - reader.CurrentDepth - 1;
        if (NumberArrayScanner.Reads(type) && nesting >= 1)
        {
            var json = cursor.Json.Span;
            var tensor = NumberArrayScanner.TryReadTensor(json, cursor.Offset + (int)reader.BytesConsumed, name, type, shape, nesting, out var end);
            if (tensor is not null && (resume.AfterValue || NextIsObjectEnd(json, end)))
            {
                reader = new Utf8JsonReader(json[end..], isFinalBlock: true, resume.State);
                cursor.Offset = end;
                return tensor;
            }

            tensor?.Dispose();
        }

        reader.Read();
        return Read(ref reader, name, type, shape, cursor.Json.Length - cursor.Offset - reader.TokenStartIndex);
    }

    /// <summary>
    /// Reads the value the reader is on and leaves the reader on its last token. With <paramref name="shape"/> (V2) the
    /// data may be flat or nested in any way and must hold exactly that many elements (checked by the validator); without
    /// it (simple API) the nesting is the shape and must be rectangular.
    /// </summary>
    /// <param name="remainingBytes">JSON bytes left from the value's start: bounds the element count before any is read.</param>
    public static InputTensor Read(ref Utf8JsonReader reader, string name, TensorElementType type, long[]? shape, long remainingBytes)
    {
        // Each element takes at least one digit and a separator, so the JSON itself bounds the buffer to rent.
        var bound = (remainingBytes / 2) + 1;
        var capacity = shape is null ? bound : Math.Min(TensorElements.CountOf(name, shape), bound);
        var sink = new ElementSink(name, type, capacity);
        try
        {
            var nested = ReadElements(ref reader, sink, name, rectangular: shape is null);
            return sink.ToTensor(shape ?? nested);
        }
        catch
        {
            sink.Dispose();
            throw;
        }
    }

    private static long[] ReadElements(ref Utf8JsonReader reader, ElementSink sink, string name, bool rectangular)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            sink.Add(ref reader);
            return [];
        }

        var dims = new List<long> { -1 };
        var counts = new List<long> { 0 };
        var open = 1;
        var leafLevel = -1;
        var onToken = false;
        while (open > 0 && (onToken || reader.Read()))
        {
            onToken = false;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    if (rectangular && leafLevel >= 0 && open >= leafLevel)
                    {
                        throw Ragged(name);
                    }

                    open++;
                    if (counts.Count < open)
                    {
                        counts.Add(0);
                        dims.Add(-1);
                    }

                    counts[open - 1] = 0;
                    break;
                case JsonTokenType.EndArray:
                    var level = open - 1;
                    if (dims[level] < 0)
                    {
                        dims[level] = counts[level];
                    }
                    else if (rectangular && dims[level] != counts[level])
                    {
                        throw Ragged(name);
                    }

                    open--;
                    if (open > 0)
                    {
                        counts[open - 1]++;
                    }

                    break;
                default:
                    if (leafLevel < 0)
                    {
                        leafLevel = open;
                    }
                    else if (rectangular && leafLevel != open)
                    {
                        throw Ragged(name);
                    }

                    // The elements of one innermost array in a tight loop; it stops on the token after them.
                    long elements = 0;
                    do
                    {
                        sink.Add(ref reader);
                        elements++;
                    }
                    while (reader.Read() && reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.EndArray));

                    counts[open - 1] += elements;
                    onToken = true;
                    break;
            }
        }

        return [.. dims.Take(leafLevel < 0 ? dims.Count : leafLevel)];
    }

    private static bool NextIsObjectEnd(ReadOnlySpan<byte> json, int i)
    {
        i = NumberArrayScanner.SkipWhitespace(json, i);
        return i < json.Length && json[i] == (byte)'}';
    }

    private static MaasException Ragged(string name)
        => new(ErrorKind.InvalidInput, $"Input '{name}' is not a rectangular nested array: every array at the same depth must have the same length, with numbers only at the innermost level.");
}
