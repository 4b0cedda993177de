using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Maas.Core.Serving;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.Core.Rollout;

/// <summary>
/// The request-path half of shadow traffic, a prediction observer: for the share of answered calls to the default that
/// a rollout's <c>shadow.percent</c> asks for, copies the inputs and the default's outputs into a bounded queue that
/// <see cref="ShadowRunner"/> empties off the request path. Enqueuing never waits: with the queue full the copy is
/// dropped, counted in the call's measurement and in <c>maas.rollout.shadow_dropped</c>. Batch lines are not copied.
/// </summary>
public sealed partial class ShadowTraffic : IPredictionObserver
{
    private static readonly Counter<long> DroppedCounter = MaasTelemetry.Meter.CreateCounter<long>(
        "maas.rollout.shadow_dropped", description: "Shadow copies dropped: the queue was full, or the call could not be copied.");

    private readonly Channel<ShadowCall> _channel;
    private readonly ILogger<ShadowTraffic> _logger;
    private long _dropped;

    public ShadowTraffic(IOptions<RolloutOptions> options, ILogger<ShadowTraffic> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        Capacity = options.Value.ShadowQueueCapacity;
        _channel = Channel.CreateBounded<ShadowCall>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });
    }

    public int Capacity { get; }

    public ChannelReader<ShadowCall> Reader => _channel.Reader;

    /// <summary>Shadow copies dropped by this instance since it started.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Observe(in ObservedPrediction prediction)
    {
        if (!prediction.Answered || prediction.Measurement.Shadow is not { } target || prediction.Measurement.FromBatch
            || (target.Percent < 100 && Random.Shared.NextDouble() * 100 >= target.Percent))
        {
            return;
        }

        if (_channel.Reader.Count >= Capacity)
        {
            Drop(prediction.Measurement, "queue_full");
            return;
        }

        try
        {
            var call = ShadowCall.Copy(target, prediction.Request, prediction.Result!);
            if (!_channel.Writer.TryWrite(call))
            {
                call.Dispose();
                Drop(prediction.Measurement, "queue_full");
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogCopyFailed(_logger, target.Version.Name, target.Version.Version, error.GetType().Name);
            Drop(prediction.Measurement, "copy_failed");
        }
    }

    private void Drop(PredictionMeasurement measurement, string reason)
    {
        measurement.ShadowDropped = true;
        Interlocked.Increment(ref _dropped);
        DroppedCounter.Add(1, new TagList { { "model", measurement.Shadow!.Version.Name }, { "version", measurement.Shadow.Version.Version }, { "reason", reason } });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Copying a call of {ModelName} for its shadow version {ModelVersion} failed ({ExceptionType}); the copy is dropped, the prediction unaffected")]
    private static partial void LogCopyFailed(ILogger logger, string modelName, long modelVersion, string exceptionType);
}
