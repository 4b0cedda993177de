using Maas.Core.Inference;
using Maas.Core.Models;

namespace Maas.Core.Protocol;

/// <summary>
/// A wire format for predictions (Open Inference Protocol V2 or the simple JSON API). It owns everything wire-specific:
/// the content types it reads, its headers, reading the body within <c>Limits:MaxRequestBytes</c> once, decoding to an
/// <see cref="InferenceRequest"/>, and encoding the <see cref="InferenceResult"/> with its own headers.
/// </summary>
public interface IInferenceProtocol
{
    /// <summary>Reads and decodes a request for <paramref name="model"/>: 415 for a content type it does not read, 413 over the limit, 400 naming what was wrong.</summary>
    Task<InferenceRequest> ReadRequestAsync(WireRequest request, ModelVersionRecord model, CancellationToken cancellationToken);

    EncodedResponse WriteResponse(ModelVersionRecord model, InferenceRequest request, InferenceResult result);
}
