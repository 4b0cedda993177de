using Maas.Core.Inference;
using Maas.Core.Registry;

namespace Maas.Core.Protocol;

/// <summary>A wire format for predictions: Open Inference Protocol V2 or the simple JSON API.</summary>
public interface IInferenceProtocol
{
    /// <summary>Throws 415 unless the request's content type is one this protocol reads.</summary>
    void CheckContentType(string? contentType);

    /// <summary>Decodes the body into inputs and requested outputs; malformed input is a 400 naming what was wrong.</summary>
    InferenceRequest Decode(ReadOnlyMemory<byte> body, string? inferenceHeaderContentLength, ModelVersionRecord model, LimitsOptions limits);

    EncodedResponse Encode(ModelVersionRecord model, InferenceRequest request, InferenceResult result);
}
