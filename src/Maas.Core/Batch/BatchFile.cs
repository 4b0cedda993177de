using System.Globalization;
using System.Text.Json;

namespace Maas.Core.Batch;

/// <summary>One request line of a batch input file, where it lies in the file, and its body as JSON text.</summary>
/// <param name="Line">1-based line number.</param>
public sealed record BatchLine(int Line, string CustomId, long Offset, int Length, string Body);

/// <summary>A line that makes the file unusable, as OpenAI's batch <c>errors</c> list it.</summary>
public sealed record BatchLineError(int Line, string Code, string Message, string? Param);

/// <summary>What reading a batch input file found: its lines, or the errors that fail the batch.</summary>
public sealed record BatchFileReading(IReadOnlyList<BatchLine> Lines, IReadOnlyList<BatchLineError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Lines.Count > 0;
}

/// <summary>
/// Reads and checks a batch input file (JSONL, OpenAI's Batch format): every non-empty line an object with a unique
/// non-empty <c>custom_id</c>, <c>method</c> POST, <c>url</c> equal to the batch's endpoint and an object
/// <c>body</c>. A file that breaks any of this fails the batch with each offending line named (at most
/// <see cref="MaxErrors"/>); what a body asks of the model is checked when the line runs, and answered there.
/// </summary>
public static class BatchFile
{
    /// <summary>Errors listed at most; a file with more says how many more there were.</summary>
    public const int MaxErrors = 100;

    /// <param name="keepBodies">Whether the lines keep their bodies (to run them); validating the whole file needs only their places.</param>
    public static BatchFileReading Read(ReadOnlySpan<byte> content, BatchEndpoint endpoint, int maxLines, bool keepBodies = true)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var lines = new List<BatchLine>();
        var errors = new List<BatchLineError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var more = 0;
        long offset = 0;
        var number = 0;
        while (offset < content.Length)
        {
            number++;
            var rest = content[(int)offset..];
            var end = rest.IndexOf((byte)'\n');
            var length = end < 0 ? rest.Length : end;
            var text = rest[..length].TrimEnd((byte)'\r');
            if (!text.IsEmpty && !IsBlank(text))
            {
                var (line, error) = Check(text, number, offset, endpoint, seen, keepBodies);
                if (line is not null)
                {
                    lines.Add(line);
                }
                else if (errors.Count < MaxErrors)
                {
                    errors.Add(error!);
                }
                else
                {
                    more++;
                }
            }

            offset += length + (end < 0 ? 0 : 1);
        }

        if (more > 0)
        {
            errors.Add(new BatchLineError(number, "too_many_errors", string.Create(CultureInfo.InvariantCulture, $"{more} more lines have errors; the first {MaxErrors} are listed."), null));
        }

        if (lines.Count + errors.Count == 0)
        {
            errors.Add(new BatchLineError(1, "empty_file", "The file holds no request lines; expected one JSON object per line.", null));
        }
        else if (lines.Count > maxLines)
        {
            errors.Add(new BatchLineError(maxLines + 1, "too_many_lines", string.Create(CultureInfo.InvariantCulture, $"The file holds {lines.Count} request lines; a batch takes at most {maxLines} (Batch:MaxLines)."), null));
        }

        return new BatchFileReading(lines, errors);
    }

    /// <summary>The line read (one parse), or what is wrong with it.</summary>
    private static (BatchLine? Line, BatchLineError? Error) Check(ReadOnlySpan<byte> text, int number, long offset, BatchEndpoint endpoint, HashSet<string> seen, bool keepBody)
    {
        try
        {
            var reader = new Utf8JsonReader(text);
            using var document = JsonDocument.ParseValue(ref reader);
            if (!IsBlank(text[(int)reader.BytesConsumed..]))
            {
                return (null, new BatchLineError(number, "invalid_json_line", "The line holds more than one JSON value; expected one JSON object per line.", null));
            }

            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new BatchLineError(number, "invalid_json_line", "The line is not a JSON object; expected {\"custom_id\", \"method\", \"url\", \"body\"}.", null));
            }

            if (!root.TryGetProperty("custom_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } customId)
            {
                return (null, new BatchLineError(number, "missing_required_parameter", "The line needs custom_id, a non-empty string.", "custom_id"));
            }

            if (!seen.Add(customId))
            {
                return (null, new BatchLineError(number, "duplicate_custom_id", $"custom_id '{customId}' is used by an earlier line; each line needs its own.", "custom_id"));
            }

            if (!root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || !method.ValueEquals("POST"u8))
            {
                return (null, new BatchLineError(number, "invalid_method", "The line's method must be \"POST\".", "method"));
            }

            if (!root.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String || !url.ValueEquals(endpoint.Path))
            {
                return (null, new BatchLineError(number, "mismatched_url", $"The line's url must be the batch's endpoint, {endpoint.Path}.", "url"));
            }

            return root.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object
                ? (new BatchLine(number, customId, offset, text.Length, keepBody ? body.GetRawText() : string.Empty), null)
                : (null, new BatchLineError(number, "missing_required_parameter", "The line needs body, the request as the endpoint takes it (a JSON object).", "body"));
        }
        catch (JsonException)
        {
            return (null, new BatchLineError(number, "invalid_json_line", "The line is not valid JSON; expected one JSON object per line.", null));
        }
    }

    private static bool IsBlank(ReadOnlySpan<byte> text)
    {
        foreach (var b in text)
        {
            if (b is not ((byte)' ' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }
}
