using Maas.Core.Monitoring;
using Maas.Core.Serving;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Rollout;

/// <summary>
/// The background half of shadow traffic: runs each queued copy on its shadow version through the data plane
/// (<c>Rollout:ShadowConcurrency</c> at a time, each first letting the instance's live calls go, up to
/// <c>Rollout:ShadowYieldToLiveCalls</c>), compares the outputs with the default's, and records the run as a
/// prediction of the shadow version marked <see cref="PredictionRecord.Shadow"/>, with its own latency, failure and
/// agreement, so the minute rollups merge them across instances. A shadow's answer never reaches a caller.
/// </summary>
public sealed partial class ShadowRunner(
    ShadowTraffic traffic,
    InferenceService inference,
    MetricsRecorder metrics,
    IOptions<RolloutOptions> options,
    TimeProvider clock,
    ILogger<ShadowRunner> logger) : BackgroundService
{
    /// <summary>The caller shadow copies are counted under: not the caller whose call was copied, who is not charged for it.</summary>
    public const string ShadowCaller = "_shadow";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(Enumerable.Range(0, options.Value.ShadowConcurrency).Select(_ => Task.Run(() => DrainAsync(stoppingToken), CancellationToken.None)));

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var call in traffic.Reader.ReadAllAsync(stoppingToken))
            {
                using (call)
                {
                    await inference.Live.WaitForQuietAsync(options.Value.ShadowYieldToLiveCalls, stoppingToken);
                    await RunAsync(call, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one copy and records it; never throws but for shutdown.</summary>
    public async Task RunAsync(ShadowCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var shadow = call.Target.Version;
        var measurement = new PredictionMeasurement(shadow.Name) { Model = shadow, CallerAppId = ShadowCaller };
        Exception? failure = null;
        bool? agreed = null;
        try
        {
            using var request = call.ToRequest();
            using var result = await inference.InferAsync(shadow, request, measurement, cancellationToken);
            agreed = call.Agrees(result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception error)
        {
            failure = error;
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var type = error.GetType().Name;
                LogShadowFailed(logger, shadow.Name, shadow.Version, type);
            }
        }

        // The copy is the default's request as it ran, so any refusal (an output the shadow lacks included) is the shadow's failure.
        metrics.Record(measurement.ToRecord(clock.GetUtcNow(), failure) with { Shadow = true, Agreed = agreed, ModelFailed = failure is not null });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A shadow copy on {ModelName} version {ModelVersion} failed ({ExceptionType}); counted against the shadow, the caller unaffected")]
    private static partial void LogShadowFailed(ILogger logger, string modelName, long modelVersion, string exceptionType);
}
