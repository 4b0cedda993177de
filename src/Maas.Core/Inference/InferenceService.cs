using Maas.Core.Protocol;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Inference;

/// <summary>
/// The protocol-neutral data plane: resolve the version, read and decode the body, validate it against the
/// registered signature, run it on a leased cached session, encode the outputs.
/// </summary>
public sealed class InferenceService(ModelRepository repository, SessionCache sessions, IOptions<LimitsOptions> limits)
{
    public async Task<EncodedResponse> InferAsync(PredictionCall call, IInferenceProtocol protocol, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(protocol);
        var limit = limits.Value;
        protocol.CheckContentType(call.ContentType);
        RequestBody.CheckLength(call.ContentLength, limit.MaxRequestBytes);
        var model = await repository.ResolveAsync(call.ModelName, call.Version, cancellationToken);
        using var body = await RequestBody.ReadAsync(call.Body, call.ContentLength, limit.MaxRequestBytes, cancellationToken);
        using var request = protocol.Decode(body.WrittenMemory, call.InferenceHeaderContentLength, model, limit);
        InputValidator.Validate(model, request);
        using var lease = await sessions.AcquireAsync(model, cancellationToken);
        using var result = ModelRunner.Run(lease.Session, request, cancellationToken);
        return protocol.Encode(model, request, result);
    }
}
