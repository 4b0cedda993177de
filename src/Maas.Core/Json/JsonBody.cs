using System.Globalization;
using System.Text.Json;
using Maas.Core.Errors;

namespace Maas.Core.Json;

/// <summary>Reading request JSON with <see cref="Utf8JsonReader"/>: the depth limit, and 400s that say what was expected where.</summary>
internal static class JsonBody
{
    public static JsonReaderOptions Options(int maxJsonDepth) => new() { MaxDepth = maxJsonDepth };

    /// <summary>
    /// The 400 for JSON the reader rejected: too deep, or not JSON at all (with its position, never its content).
    /// The reader fails one level below the limit when the next token would open another array or object.
    /// </summary>
    public static MaasException Malformed(JsonException error, ReadOnlySpan<byte> json, in Utf8JsonReader reader, int maxJsonDepth)
    {
        var rest = json[(int)reader.BytesConsumed..].TrimStart(" \t\r\n,:"u8);
        var tooDeep = reader.CurrentDepth >= maxJsonDepth - 1 && rest.Length > 0 && rest[0] is (byte)'[' or (byte)'{';
        return new(
            ErrorKind.InvalidInput,
            tooDeep
                ? string.Create(CultureInfo.InvariantCulture, $"The request JSON is nested deeper than {maxJsonDepth} levels (Limits:MaxJsonDepth).")
                : string.Create(CultureInfo.InvariantCulture, $"The request body is not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1})."));
    }

    /// <summary>Moves to the next token and requires it to be <paramref name="type"/>; otherwise a 400 saying <paramref name="what"/> was expected.</summary>
    public static void Next(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        reader.Read();
        Expect(ref reader, type, what);
    }

    public static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw Invalid($"Expected {what}.");
        }
    }

    /// <summary>
    /// Moves through the object the reader is in to the value of property <paramref name="name"/>, skipping the others;
    /// false once the object ends. Call it in a loop: <c>while (SeekProperty(...)) { read the value }</c>.
    /// </summary>
    public static bool SeekProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = JsonBody.NameIs(ref reader, name);
            reader.Read();
            if (wanted)
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }

    public static string String(ref Utf8JsonReader reader, string field)
        => reader.TokenType == JsonTokenType.String ? Text(ref reader, $"'{field}'") : throw Invalid($"'{field}' must be a string.");

    /// <summary>Whether the property name the reader is on is <paramref name="name"/>; a 400 when the name is not valid Unicode.</summary>
    public static bool NameIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> name) => TextIs(ref reader, name, "A property name");

    /// <summary>Whether the string the reader is on is <paramref name="text"/>; a 400 naming <paramref name="what"/> when it is not valid Unicode.</summary>
    public static bool TextIs(ref Utf8JsonReader reader, ReadOnlySpan<byte> text, string what)
    {
        try
        {
            return reader.ValueTextEquals(text);
        }
        catch (InvalidOperationException)
        {
            throw NotUnicode(what);
        }
    }

    /// <summary>The string or property name the reader is on; a 400 naming <paramref name="what"/> when it is not valid Unicode.</summary>
    public static string Text(ref Utf8JsonReader reader, string what)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw NotUnicode(what);
        }
    }

    /// <summary>The 400 for a JSON string holding invalid UTF-8 or a lone UTF-16 surrogate escape (.NET cannot transcode either).</summary>
    public static MaasException NotUnicode(string what)
        => Invalid($"{what} is not valid Unicode text: JSON strings must be UTF-8, and a \\uD800-\\uDFFF escape must be one half of a surrogate pair.");

    public static bool Bool(ref Utf8JsonReader reader, string field)
        => reader.TokenType is JsonTokenType.True or JsonTokenType.False ? reader.GetBoolean() : throw Invalid($"'{field}' must be true or false.");

    public static MaasException Invalid(string message) => new(ErrorKind.InvalidInput, message);
}
