using System.Diagnostics;
using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Monitoring;
using Maas.Core.Protocol;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Core.Inference;

/// <summary>
/// The protocol-neutral data plane: resolve the version, read and decode the body, validate it against the
/// registered signature, run it on a leased cached session, encode the outputs. Every call, whatever its outcome,
/// is recorded for monitoring.
/// </summary>
public sealed class InferenceService(
    ModelRepository repository,
    SessionCache sessions,
    DynamicBatcher batcher,
    MetricsRecorder metrics,
    TimeProvider clock,
    IOptions<LimitsOptions> limits)
{
    public async Task<EncodedResponse> InferAsync(PredictionCall call, IInferenceProtocol protocol, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(protocol);
        var measured = new Measurement(Stopwatch.GetTimestamp());
        using var activity = MaasTelemetry.ActivitySource.StartActivity("Predict");
        activity?.SetTag("maas.model", call.ModelName);
        try
        {
            var response = await RunAsync(call, protocol, measured, cancellationToken);
            measured.BytesOut = response.Body.Length;
            Record(call, measured, OutcomeClass.Ok, null);
            return response;
        }
        catch (MaasException error)
        {
            Record(call, measured, OutcomeClasses.Of(error.Kind), error.Kind);
            activity?.SetStatus(ActivityStatusCode.Error, error.Kind.ToString());
            throw;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Record(call, measured, OutcomeClass.ServerError, null);
            activity?.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            throw;
        }
    }

    private async Task<EncodedResponse> RunAsync(PredictionCall call, IInferenceProtocol protocol, Measurement measured, CancellationToken cancellationToken)
    {
        var limit = limits.Value;
        var model = await repository.ResolveAsync(call.ModelName, call.Version, cancellationToken);
        measured.Model = model;
        RequireModelRoles(model, call.Caller);
        protocol.CheckContentType(call.ContentType);
        RequestBody.CheckLength(call.ContentLength, limit.MaxRequestBytes);
        using var body = await RequestBody.ReadAsync(call.Body, call.ContentLength, limit.MaxRequestBytes, cancellationToken);
        measured.BytesIn = body.WrittenCount;
        using var request = protocol.Decode(body.WrittenMemory, call.InferenceHeaderContentLength, model, limit);
        InputValidator.Validate(model, request);
        measured.BatchSize = request.Inputs is [{ Shape: [var rows, ..] }, ..] ? (int)Math.Min(rows, int.MaxValue) : 1;
        if (model.Config.DynamicBatching is not null)
        {
            var batched = await batcher.RunAsync(model, request, cancellationToken);
            using var own = batched.Result;
            (measured.Queue, measured.Inference, measured.BatchSize) = (batched.QueueTime, batched.InferenceTime, batched.BatchRows);
            (measured.ExecutionProvider, measured.ColdLoad) = (batched.ExecutionProvider, batched.ColdLoadTime);
            return protocol.Encode(model, request, own);
        }

        using var lease = await sessions.AcquireAsync(model, cancellationToken);
        measured.ExecutionProvider = lease.Loaded.ExecutionProvider;
        measured.ColdLoad = lease.ColdLoad ? lease.Loaded.LoadTime : null;
        var runStarted = Stopwatch.GetTimestamp();
        using var result = ModelRunner.Run(lease.Session, request, cancellationToken);
        measured.Inference = Stopwatch.GetElapsedTime(runStarted);
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

    private void Record(PredictionCall call, Measurement measured, OutcomeClass outcome, ErrorKind? kind)
    {
        var model = measured.Model;
        metrics.Record(new PredictionRecord(
            clock.GetUtcNow(),
            model?.Name ?? (kind == ErrorKind.NotFound || !ModelBlobPath.IsValidName(call.ModelName) ? PredictionRecord.UnknownModel : call.ModelName),
            model?.Version.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            outcome,
            measured.Queue,
            measured.Inference,
            Stopwatch.GetElapsedTime(measured.Started),
            measured.BatchSize,
            measured.BytesIn,
            measured.BytesOut,
            call.Caller.AppId,
            measured.ExecutionProvider,
            measured.ColdLoad));
    }

    /// <summary>What one call has measured so far; filled in as it progresses.</summary>
    private sealed class Measurement(long started)
    {
        public long Started { get; } = started;

        public ModelVersionRecord? Model { get; set; }

        public long BytesIn { get; set; }

        public long BytesOut { get; set; }

        public int BatchSize { get; set; } = 1;

        public string ExecutionProvider { get; set; } = string.Empty;

        public TimeSpan Queue { get; set; }

        public TimeSpan Inference { get; set; }

        public TimeSpan? ColdLoad { get; set; }
    }
}
