using Maas.Core.Monitoring;
using Maas.Core.Serving;
using Maas.Functions.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace Maas.Functions.Middleware;

/// <summary>
/// Records every prediction call once for monitoring, whatever its outcome: refused by authentication, a bad request,
/// an unknown model, a server fault or a success. It starts the call's <see cref="PredictionMeasurement"/>, which the
/// function and the data plane fill in, and records it when the invocation ends. Calls whose caller went away are not counted.
/// </summary>
internal sealed class PredictionRecordingMiddleware(MetricsRecorder metrics, TimeProvider clock) : IFunctionsWorkerMiddleware
{
    private const string MeasurementItem = "Maas.PredictionMeasurement";
    private const string ModelNameBinding = "name";

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null || !FunctionPermissions.IsPrediction(context.FunctionDefinition.Name))
        {
            await next(context);
            return;
        }

        var requested = context.BindingContext.BindingData.TryGetValue(ModelNameBinding, out var name) ? name?.ToString() : null;
        var measurement = new PredictionMeasurement(requested ?? string.Empty) { BytesIn = http.Request.ContentLength ?? 0 };
        http.Items[MeasurementItem] = measurement;
        try
        {
            await next(context);
            Record(http, measurement, failure: null);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            Record(http, measurement, error);
            throw;
        }
    }

    /// <summary>The measurement this middleware started for the request; a fresh one when it did not run (a function called directly).</summary>
    public static PredictionMeasurement MeasurementOf(HttpContext http, string requestedModel)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items.TryGetValue(MeasurementItem, out var item) && item is PredictionMeasurement measurement
            ? measurement
            : new PredictionMeasurement(requestedModel);
    }

    private void Record(HttpContext http, PredictionMeasurement measurement, Exception? failure)
    {
        measurement.CallerAppId = AuthMiddleware.CallerOf(http).AppId;
        metrics.Record(measurement.ToRecord(clock.GetUtcNow(), failure));
    }
}
