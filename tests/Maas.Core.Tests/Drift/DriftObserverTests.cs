using Maas.Core.Drift;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.TestKit.Logging;
using Maas.TestKit.Registry;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Drift;

/// <summary>The request-path half of drift: what it copies, and that a full queue drops and counts instead of waiting.</summary>
public sealed class DriftObserverTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private static DriftObserver Observer(int capacity) => new(Options.Create(new DriftOptions { QueueCapacity = capacity }), Clock, new LogRecorder().CreateLogger<DriftObserver>());

    private static ModelVersionRecord Model(DriftConfig drift, DriftBaselineSummary? baseline) => ModelRecords.Ready(
        [TensorSignature.Tensor("x", TensorElementType.Float, -1, 2), TensorSignature.Tensor("id", TensorElementType.Int64, -1, 1)],
        [TensorSignature.Tensor("y", TensorElementType.Float, -1, 2)]) with
    {
        Config = new ModelConfig { Drift = drift },
        DriftBaseline = baseline,
    };

    private static readonly DriftBaselineSummary CoversX = new() { EvaluationSetSha256 = "00", BlobPath = "m/1/b.json", Tensors = [new("x", "input", "feature", 2)] };

    private static InferenceRequest Request() => new(
        null,
        [new InputTensor("x", TensorElementType.Float, [1, 2], new byte[8]), new InputTensor("id", TensorElementType.Int64, [1, 1], new byte[8])],
        []);

    private static InferenceResult NoOutputs() => new([], [], owner: new MemoryStream());

    [Fact]
    public void Observe_SampledCall_CopiesOnlyTheTensorsTheBaselineCovers()
    {
        var observer = Observer(capacity: 4);

        observer.Observe(Model(new DriftConfig { SampleRate = 1 }, CoversX), Request(), NoOutputs());

        Assert.True(observer.Reader.TryRead(out var observation));
        Assert.Equal(["x"], observation.Inputs.Select(t => t.Name));
        Assert.Equal(Clock.GetUtcNow(), observation.Time);
        observation.Release();
    }

    [Fact]
    public void Observe_QueueFull_DropsAndCountsWithoutWaiting()
    {
        var observer = Observer(capacity: 1);
        var model = Model(new DriftConfig { SampleRate = 1 }, CoversX);

        observer.Observe(model, Request(), NoOutputs());
        observer.Observe(model, Request(), NoOutputs());

        Assert.Equal((1, 1L), (observer.Reader.Count, observer.DroppedCount));
    }

    [Fact]
    public void Observe_NoBaselineAndNoLiveWindowNow_QueuesNothing()
    {
        var observer = Observer(capacity: 4);
        var pastWindow = new DriftConfig { SampleRate = 1, BaselineIsEvaluationSet = false, BaselineFrom = Clock.GetUtcNow().AddDays(-2), BaselineTo = Clock.GetUtcNow().AddDays(-1) };

        observer.Observe(Model(new DriftConfig { SampleRate = 1 }, baseline: null), Request(), NoOutputs());
        observer.Observe(Model(pastWindow, new DriftBaselineSummary { EvaluationSetSha256 = string.Empty, Problem = "no call was sampled in the live baseline window" }), Request(), NoOutputs());
        observer.Observe(Model(new DriftConfig { SampleRate = 0 }, CoversX), Request(), NoOutputs());

        Assert.Equal((0, 0L), (observer.Reader.Count, observer.DroppedCount));
    }

    /// <summary>A call after the live window closed and before the rollup built its baseline is queued: the recorder keeps it until the baseline lands.</summary>
    [Fact]
    public void Observe_LiveWindowClosedBaselineNotBuiltYet_QueuesTheCall()
    {
        var observer = Observer(capacity: 4);
        var pastWindow = new DriftConfig { SampleRate = 1, BaselineIsEvaluationSet = false, BaselineFrom = Clock.GetUtcNow().AddHours(-2), BaselineTo = Clock.GetUtcNow().AddMinutes(-1) };

        observer.Observe(Model(pastWindow, baseline: null), Request(), NoOutputs());

        Assert.True(observer.Reader.TryRead(out var observation));
        Assert.Equal(["x", "id"], observation.Inputs.Select(t => t.Name));
        observation.Release();
    }

    [Fact]
    public void Observe_InsideALiveWindowWithoutBaseline_CopiesEveryNumericTensor()
    {
        var observer = Observer(capacity: 4);
        var openWindow = new DriftConfig { SampleRate = 1, BaselineIsEvaluationSet = false, BaselineFrom = Clock.GetUtcNow().AddHours(-1), BaselineTo = Clock.GetUtcNow().AddHours(1) };

        observer.Observe(Model(openWindow, baseline: null), Request(), NoOutputs());

        Assert.True(observer.Reader.TryRead(out var observation));
        Assert.Equal(["x", "id"], observation.Inputs.Select(t => t.Name));
        observation.Release();
    }
}
