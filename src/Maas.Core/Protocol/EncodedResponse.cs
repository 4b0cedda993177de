namespace Maas.Core.Protocol;

/// <summary>A prediction response ready for the wire: its bytes (pooled, freed on dispose), content type and, for binary outputs, the JSON header's length.</summary>
public sealed class EncodedResponse(PooledBufferWriter body, string contentType, int? inferenceHeaderContentLength) : IDisposable
{
    public ReadOnlyMemory<byte> Body => body.WrittenMemory;

    public string ContentType { get; } = contentType;

    /// <summary>Set when binary outputs follow the JSON header: the value of <c>Inference-Header-Content-Length</c>.</summary>
    public int? InferenceHeaderContentLength { get; } = inferenceHeaderContentLength;

    public void Dispose() => body.Dispose();
}
