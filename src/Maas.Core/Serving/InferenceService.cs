using System.Diagnostics;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.Core.Telemetry;

namespace Maas.Core.Serving;

/// <summary>
/// The protocol-neutral data plane. <see cref="ResolveAsync"/> picks the version to serve and checks the caller may use
/// it; <see cref="InferAsync"/> validates a decoded request against the registered signature and runs it, batched when
/// the model's config enables it, on a leased cached session. Both fill in the call's <see cref="PredictionMeasurement"/>.
/// Wire formats stay outside: requests come in decoded and results go out as ONNX Runtime values.
/// </summary>
public sealed class InferenceService(ModelResolver repository, SessionCache sessions, DynamicBatcher batcher, IEnumerable<IPredictionObserver> observers)
{
    /// <summary>The live calls running now (counted by <c>PredictionPipeline</c>), which batch work lets go first.</summary>
    public LiveCalls Live { get; } = new();

    /// <summary>
    /// The version to serve (404/409 as the repository says) when the caller holds the model's <c>requiredRoles</c> (403
    /// otherwise). A call naming no version may go to a rollout's canary, keyed by its caller or <paramref name="requestId"/>;
    /// a call to the default may carry a rollout's shadow in its <paramref name="measurement"/>.
    /// </summary>
    public async Task<ModelVersionRecord> ResolveAsync(string name, string? version, Caller caller, PredictionMeasurement measurement, CancellationToken cancellationToken, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(measurement);
        var (model, shadow) = await repository.ResolveCallAsync(name, version, new RolloutKeys(caller.ObjectId ?? caller.AppId, requestId), cancellationToken);
        measurement.Model = model;
        measurement.Shadow = shadow;
        RequireModelRoles(model, caller);
        return model;
    }

    /// <summary>Runs a decoded request on <paramref name="model"/>: a 400 naming the tensor when it does not fit the signature.</summary>
    public async Task<InferenceResult> InferAsync(ModelVersionRecord model, InferenceRequest request, PredictionMeasurement measurement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(measurement);
        using var activity = MaasTelemetry.ActivitySource.StartActivity("Infer");
        activity?.SetTag("maas.model", model.Name);
        InputValidator.Validate(model, request);
        measurement.BatchSize = request.Rows;
        if (model.Config.DynamicBatching is not null)
        {
            var batched = await batcher.RunAsync(model, request, cancellationToken);
            (measurement.Queue, measurement.Inference, measurement.BatchSize) = (batched.QueueTime, batched.InferenceTime, batched.BatchRows);
            (measurement.ExecutionProvider, measurement.ColdLoad) = (batched.ExecutionProvider, batched.ColdLoadTime);
            return batched.Result;
        }

        var lease = await sessions.AcquireAsync(model, cancellationToken);
        try
        {
            measurement.ExecutionProvider = lease.Loaded.ExecutionProvider;
            measurement.ColdLoad = lease.ColdLoad ? lease.Loaded.LoadTime : null;
            var runStarted = Stopwatch.GetTimestamp();
            var result = ModelRunner.Run(lease.Loaded, request, cancellationToken);
            measurement.Inference = Stopwatch.GetElapsedTime(runStarted);

            // The outputs may live in the session's memory: the lease ends when the response has been encoded.
            return result.Holding(lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private readonly IPredictionObserver[] _observers = [.. observers];

    /// <summary>Hands the finished call to every prediction observer (capture and drift, in the order registered).</summary>
    /// <param name="result">The outputs; null when the call failed before producing them.</param>
    /// <param name="failure">What the call ended with; null for success.</param>
    public void Observe(ModelVersionRecord model, InferenceRequest request, InferenceResult? result, string? requestId, Caller caller, PredictionMeasurement measurement, Exception? failure)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(measurement);
        var prediction = new ObservedPrediction(model, request, result, requestId, caller, measurement, failure);
        foreach (var observer in _observers)
        {
            observer.Observe(prediction);
        }
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
