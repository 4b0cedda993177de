namespace Maas.Core.Protocol;

/// <summary>A prediction response ready for the wire: its bytes (pooled, freed on dispose), content type and the protocol's own headers.</summary>
public sealed class EncodedResponse(PooledBufferWriter body, string contentType, IReadOnlyList<KeyValuePair<string, string>>? headers = null) : IDisposable
{
    public ReadOnlyMemory<byte> Body => body.WrittenMemory;

    public string ContentType { get; } = contentType;

    /// <summary>Headers the protocol adds to a 200 (V2 names the length of its JSON header before binary outputs).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers ?? [];

    /// <summary>The same response with one more header; the result owns the body (dispose it, not this one).</summary>
    public EncodedResponse WithHeader(KeyValuePair<string, string> header) => new(body, ContentType, [.. Headers, header]);

    public void Dispose() => body.Dispose();
}
