using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Serving;
using Microsoft.Extensions.Options;

namespace Maas.Core.Protocol.V2;

/// <summary>
/// Open Inference Protocol V2 inference (as KServe and Triton clients send it): JSON or the binary tensor data
/// extension in, JSON or binary outputs back. Reading is <see cref="V2RequestReader"/>, writing <see cref="V2ResponseWriter"/>.
/// </summary>
public sealed class V2InferenceProtocol(IOptions<LimitsOptions> limits) : IInferenceProtocol
{
    public const string HeaderContentLengthName = "Inference-Header-Content-Length";

    public async Task<InferenceRequest> ReadRequestAsync(WireRequest request, ModelVersionRecord model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await RequestBody.ReadAsync(request, limits.Value.MaxRequestBytes, cancellationToken, MediaTypes.Json, MediaTypes.OctetStream);
        try
        {
            var decoded = V2RequestReader.Decode(body.WrittenMemory, request.Header(HeaderContentLengthName), model, limits.Value);
            return new InferenceRequest(decoded.Id, decoded.Inputs, decoded.Outputs, body) { BodyBytes = body.WrittenCount };
        }
        catch
        {
            body.Dispose();
            throw;
        }
    }

    public EncodedResponse WriteResponse(ModelVersionRecord model, InferenceRequest request, InferenceResult result)
        => V2ResponseWriter.Write(model, request, result);
}
