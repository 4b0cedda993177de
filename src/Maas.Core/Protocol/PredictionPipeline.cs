using Maas.Core.Inference;
using Maas.Core.Serving;

namespace Maas.Core.Protocol;

/// <summary>
/// One prediction, one direction: the data plane resolves the model for the caller, the protocol reads and decodes the
/// body against its signature, the data plane validates and runs it, the protocol encodes the result.
/// </summary>
public static class PredictionPipeline
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
        ArgumentNullException.ThrowIfNull(request);
        using var live = inference.Live.Enter();
        var model = await inference.ResolveAsync(name, version, caller, measurement, cancellationToken, request.Header(RequestIdHeader));
        using var decoded = await protocol.ReadRequestAsync(request, model, cancellationToken);
        measurement.BytesIn = decoded.BodyBytes;
        var requestId = decoded.Id ?? request.Header(RequestIdHeader);
        InferenceResult? result = null;
        try
        {
            result = await inference.InferAsync(model, decoded, measurement, cancellationToken);
            var response = protocol.WriteResponse(model, decoded, result).WithHeader(ResponseHeaders.ModelVersionOf(model));
            measurement.BytesOut = response.Body.Length;
            inference.Observe(model, decoded, result, requestId, caller, measurement, failure: null);
            return response;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A call that failed once decoded (a refused shape, a graph error) is captured too (drift keeps to answered calls): what it sent is what to debug.
            inference.Observe(model, decoded, result: null, requestId, caller, measurement, error);
            throw;
        }
        finally
        {
            result?.Dispose();
        }
    }

    /// <summary>The header a caller of the simple API (which has no <c>id</c> field) may name its request by, for capture.</summary>
    public const string RequestIdHeader = "x-request-id";
}
