using Maas.Core.Serving;

namespace Maas.Core.Protocol;

/// <summary>
/// One prediction, one direction: the data plane resolves the model for the caller, the protocol reads and decodes the
/// body against its signature, the data plane validates and runs it, the protocol encodes the result.
/// </summary>
public static class Prediction
{
    public static async Task<EncodedResponse> RunAsync(
        this InferenceService inference,
        IInferenceProtocol protocol,
        WireRequest request,
        string name,
        string? version,
        Caller caller,
        PredictionMeasurement measurement,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inference);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(measurement);
        var model = await inference.ResolveAsync(name, version, caller, measurement, cancellationToken);
        using var decoded = await protocol.ReadRequestAsync(request, model, cancellationToken);
        measurement.BytesIn = decoded.BodyBytes;
        using var result = await inference.InferAsync(model, decoded, measurement, cancellationToken);
        var response = protocol.WriteResponse(model, decoded, result);
        measurement.BytesOut = response.Body.Length;
        return response;
    }
}
