using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Maas.Core.Capture;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Serving;
using Maas.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Drift;

/// <summary>
/// The request-path half of drift: decides whether a finished call is sampled (config.json <c>drift.sampleRate</c>) and
/// if so copies the tensors its baseline covers into a bounded queue; <see cref="DriftRecorder"/> summarises them on its
/// own thread. Enqueuing never waits: with the queue full the call is dropped and counted (<c>maas.drift.dropped</c>).
/// </summary>
public sealed partial class DriftObserver : IPredictionObserver
{
    private static readonly Counter<long> Dropped = MaasTelemetry.Meter.CreateCounter<long>("maas.drift.dropped", description: "Sampled calls left out of drift summaries: the queue was full, or they could not be summarised.");

    private readonly Channel<DriftObservation> _channel;
    private readonly TimeProvider _clock;
    private readonly ILogger<DriftObserver> _logger;
    private long _dropped;

    public DriftObserver(IOptions<DriftOptions> options, TimeProvider clock, ILogger<DriftObserver> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        (_clock, _logger) = (clock, logger);
        Capacity = options.Value.QueueCapacity;
        _channel = Channel.CreateBounded<DriftObservation>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    public int Capacity { get; }

    public ChannelReader<DriftObservation> Reader => _channel.Reader;

    /// <summary>Sampled calls dropped by this instance since it started, for any reason.</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>Only answered calls feed drift.</summary>
    public void Observe(in ObservedPrediction prediction)
    {
        if (prediction.Answered)
        {
            Observe(prediction.Model, prediction.Request, prediction.Result!);
        }
    }

    /// <summary>
    /// Queues copies of a successful call's tensors when <paramref name="model"/>'s drift config samples it and there is
    /// something to compare them with: a baseline, the live baseline window now, or a live window that has closed and
    /// whose baseline the rollup has not built yet (the recorder keeps those calls until it lands). Never throws: drift
    /// must not fail a prediction.
    /// </summary>
    public void Observe(ModelVersionRecord model, InferenceRequest request, InferenceResult result)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        if (model.Config.Drift is not { SampleRate: > 0 } drift || Random.Shared.NextDouble() >= drift.SampleRate)
        {
            return;
        }

        var now = _clock.GetUtcNow();
        var covered = model.DriftBaseline is { BlobPath.Length: > 0 } baseline ? baseline.Tensors : null;
        if (covered is null && !(drift.InLiveWindow(now) || (drift.AfterLiveWindow(now) && model.DriftBaseline is null)))
        {
            return;
        }

        if (_channel.Reader.Count >= Capacity)
        {
            CountDropped(model, "queue_full");
            return;
        }

        try
        {
            var observation = new DriftObservation(now, model, CopyInputs(request, covered), CopyOutputs(result, covered));
            if (!_channel.Writer.TryWrite(observation))
            {
                observation.Release();
                CountDropped(model, "queue_full");
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            LogObserveFailed(_logger, model.Name, model.Version, error.GetType().Name);
            CountDropped(model, "observe_failed");
        }
    }

    /// <summary>Counts a sampled call of <paramref name="model"/> left out of the summaries.</summary>
    public void CountDropped(ModelVersionRecord model, string reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        Interlocked.Increment(ref _dropped);
        Dropped.Add(1, new TagList { { "model", model.Name }, { "version", model.Version }, { "reason", reason } });
    }

    private static List<CapturedTensor> CopyInputs(InferenceRequest request, IReadOnlyList<DriftBaselineTensor>? covered)
        => [.. request.Inputs
            .Where(input => ElementReader.CanRead(input.ElementType) && Covers(covered, DriftSide.Input, input.Name))
            .Select(input => CapturedTensor.Copy(input.Name, input.ElementType, input.Shape, input.Data.Span))];

    private static List<CapturedTensor> CopyOutputs(InferenceResult result, IReadOnlyList<DriftBaselineTensor>? covered)
    {
        var copies = new List<CapturedTensor>();
        for (var i = 0; i < result.Outputs.Count; i++)
        {
            var name = result.Outputs[i].Name;
            var value = result[i];
            if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR
                || !(Covers(covered, DriftSide.Output, name) || Covers(covered, DriftSide.Prediction, name)))
            {
                continue;
            }

            var info = value.GetTensorTypeAndShape();
            if (ElementReader.CanRead(info.ElementDataType))
            {
                copies.Add(CapturedTensor.Copy(name, info.ElementDataType, info.Shape, value.GetTensorMutableRawData()));
            }
        }

        return copies;
    }

    /// <summary>Without a baseline yet (a live window collecting one) every numeric tensor is wanted.</summary>
    private static bool Covers(IReadOnlyList<DriftBaselineTensor>? covered, string side, string name)
        => covered is null || covered.Any(tensor => tensor.Side == side && tensor.Name == name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sampling a call of {ModelName} version {ModelVersion} for drift failed ({ExceptionType}); the call is left out, the prediction unaffected")]
    private static partial void LogObserveFailed(ILogger logger, string modelName, long modelVersion, string exceptionType);
}
