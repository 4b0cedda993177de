using Maas.Core.Errors;
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
        RequireModelRoles(model, call.Caller);
        using var body = await RequestBody.ReadAsync(call.Body, call.ContentLength, limit.MaxRequestBytes, cancellationToken);
        using var request = protocol.Decode(body.WrittenMemory, call.InferenceHeaderContentLength, model, limit);
        InputValidator.Validate(model, request);
        using var lease = await sessions.AcquireAsync(model, cancellationToken);
        using var result = ModelRunner.Run(lease.Session, request, cancellationToken);
        return protocol.Encode(model, request, result);
    }

    /// <summary>A model's config.json <c>requiredRoles</c> must all be app roles of the caller (403 naming the missing ones).</summary>
    private static void RequireModelRoles(ModelVersionRecord model, Caller caller)
    {
        if (caller.IsAuthDisabled)
        {
            return;
        }

        var missing = model.Config.RequiredRoles.Where(role => !caller.Roles.Contains(role)).ToList();
        if (missing.Count > 0)
        {
            throw new MaasException(
                ErrorKind.Forbidden,
                $"Model '{model.Name}' requires the app role(s) {string.Join(", ", missing)}, which the caller does not have.");
        }
    }
}
