using System.Text.Json;

namespace Maas.Core.Json;

/// <summary>
/// A request body's JSON being read by a <see cref="Utf8JsonReader"/> that the fast path may restart further on:
/// <see cref="Offset"/> is where the current reader's input starts within <see cref="Json"/>.
/// </summary>
internal sealed class JsonCursor(ReadOnlyMemory<byte> json)
{
    public ReadOnlyMemory<byte> Json { get; } = json;

    public int Offset { get; set; }

    /// <summary>The bytes the current reader reads.</summary>
    public ReadOnlySpan<byte> Rest => Json.Span[Offset..];
}

/// <summary>
/// Where a reader can resume after a value the fast path scanned without it: the reader state after the previous value
/// of the same object, or, for the object's first value, the state after its <c>{</c>, which is right only when the
/// object closes straight after the value.
/// </summary>
internal readonly record struct ResumePoint(JsonReaderState State, bool AfterValue)
{
    /// <summary>The reader is on an object's <c>{</c>.</summary>
    public static ResumePoint AtObjectStart(in Utf8JsonReader reader) => new(reader.CurrentState, AfterValue: false);

    /// <summary>The reader is on the last token of a value inside the object.</summary>
    public static ResumePoint AfterValueOf(in Utf8JsonReader reader) => new(reader.CurrentState, AfterValue: true);
}
