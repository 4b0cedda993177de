using System.Buffers;
using System.Text.Json;

namespace Maas.Core.Protocol;

/// <summary>Server-sent events as the streaming protocols write them: <c>data: {json}</c> and a blank line.</summary>
public static class ServerSentEvents
{
    /// <summary>The content type of a stream of events.</summary>
    public const string ContentType = "text/event-stream";

    /// <summary>One <c>data:</c> event whose JSON <paramref name="write"/> writes.</summary>
    public static byte[] Data(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("data: "u8);
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        buffer.Write("\n\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}
