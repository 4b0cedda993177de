using System.Text;
using Maas.Core.Drift;
using Maas.Core.Models;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.Extensions.Logging;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Maas.Core.Tests.Drift;

/// <summary>
/// Drift end to end on Azurite and real ONNX Runtime: registration builds the baseline from evaluation.jsonl, sampled
/// predictions are summarised off the request path, the rollup merges the hour and compares it with the baseline, and
/// the drift API reports it. The identity model answers what it is given, so its output drifts exactly as its input.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DriftPipelineTests(AzuriteFixture azurite) : IDisposable
{
    private readonly ServingHarness _serving = Harness(azurite);

    /// <summary>A harness whose rollup flags from 100 values, the hundred each test sends per feature.</summary>
    private static ServingHarness Harness(AzuriteFixture azurite)
    {
        var serving = new ServingHarness(azurite);
        serving.Monitoring.DriftOptions.MinimumValues = 100;
        return serving;
    }

    private const string TenRowsRequest = """{"input": [[1, 10], [2, 20], [3, 30], [4, 40], [5, 50], [6, 60], [7, 70], [8, 80], [9, 90], [10, 100]]}""";

    private async Task<string> AddModelAsync(string config, byte[] evaluationSet)
    {
        var name = await _serving.AddModelAsync(TestModels.Identity(DataType.Float), config);
        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/evaluation.jsonl", evaluationSet);
        return name;
    }

    private async Task<DriftReport> PredictAndRollUpAsync(string name, string request, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            await _serving.PredictAsync(name, request);
        }

        var now = DateTimeOffset.UtcNow;
        await _serving.RollUpAsync(now);
        return await _serving.DriftQuery.GetAsync(name, version: null, from: null, to: null, CancellationToken.None);
    }

    [Fact]
    public async Task Rollup_TrafficLikeTheBaseline_ReportsZeroDriftUnflagged()
    {
        var name = await AddModelAsync("""{"drift": {"sampleRate": 1, "features": "feature"}}""", EvaluationSets.TenRows());

        var report = await PredictAndRollUpAsync(name, TenRowsRequest, calls: 10);

        Assert.Equal(["input x", "output y"], report.Tensors.Select(t => $"{t.Side} {t.Name}"));
        var hour = Assert.Single(report.Tensors[0].Hours);
        Assert.False(hour.Flagged);
        Assert.Equal(200, hour.Values);
        var first = hour.Features[0];
        // Ten calls of the baseline's ten rows: every decile bin holds a tenth, as in the baseline.
        Assert.Equal((100L, 0.0, 0.0, 0.0), (first.Count, first.Psi!.Value, first.Jsd!.Value, first.MeanShift!.Value), new ToleranceComparer());
        Assert.Equal((1.0, 10.0, 5.5), (first.Min!.Value, first.Max!.Value, Math.Round(first.Mean!.Value, 9)));
        Assert.DoesNotContain(_serving.Monitoring.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("drifted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollup_ShiftedInputs_FlagsTheHourWithHandComputedFiguresAndWarnsOnce()
    {
        var name = await AddModelAsync("""{"drift": {"sampleRate": 1, "features": "feature"}}""", EvaluationSets.TenRows());
        var shifted = "{\"input\": [" + string.Join(", ", Enumerable.Repeat("[100, 1000]", 10)) + "]}";

        var report = await PredictAndRollUpAsync(name, shifted, calls: 10);
        await _serving.Monitoring.Aggregator().RunAsync(CancellationToken.None);

        var input = report.Tensors.Single(t => t.Side == DriftSide.Input);
        var hour = Assert.Single(input.Hours);
        Assert.True(hour.Flagged);
        var first = hour.Features[0];
        // All 100 values above the last edge: baseline shares 0.1 in each of 10 bins, the hour's 1 in the last and
        // 1e-4 (the empty-bin share) in the nine others.
        // PSI = 9 (1e-4 − 0.1) ln(1e-4 / 0.1) + (1 − 0.1) ln(1 / 0.1) = 6.2107628 + 2.0723266.
        Assert.Equal(8.2830894, first.Psi!.Value, 6);
        // JSD: m = 0.05 in nine bins and 0.55 in the last; KL(p‖m) = 0.9 + 0.1 log2(0.1/0.55) = 0.6540568,
        // KL(q‖m) = log2(1/0.55) = 0.8624965; distance = √((0.6540568 + 0.8624965) / 2).
        Assert.Equal(0.8707908, first.Jsd!.Value, 6);
        // (100 − 5.5) / √8.25.
        Assert.Equal(32.9006770, first.MeanShift!.Value, 6);
        Assert.True(first.Flagged);
        Assert.True(report.Tensors.Single(t => t.Side == DriftSide.Output).Hours[0].Flagged);
        var warnings = _serving.Monitoring.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains(name, StringComparison.Ordinal) && e.Message.Contains("drifted", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Equal(["input", "output"], warnings.Select(w => (string?)w.Values["Side"]).Order());
    }

    [Fact]
    public async Task Rollup_HourRolledUpAgainAfterALateWrite_IsRecomputedNotAddedTo()
    {
        var name = await AddModelAsync("""{"drift": {"sampleRate": 1, "features": "feature"}}""", EvaluationSets.TenRows());
        var first = await PredictAndRollUpAsync(name, TenRowsRequest, calls: 3);
        var minute = Azure.Data.Tables.TableClient.CreateQueryFilter($"Model eq {name}");
        var raw = _serving.Monitoring.Raw;
        DateTimeOffset written = default;
        await foreach (var row in azurite.TableService.GetTableClient(_serving.Monitoring.DriftTables.Raw).QueryAsync<Azure.Data.Tables.TableEntity>(minute))
        {
            written = Maas.Core.Monitoring.MetricsTables.ParseTimeKey(row.PartitionKey);
        }

        // An instance that wrote this minute late leaves a marker; the next run merges the minute's hour again.
        await raw.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(Maas.Core.Monitoring.MetricsTables.LatePartition, Maas.Core.Monitoring.MetricsTables.LateRowKey(written, name, "1", "serving")));
        await _serving.Monitoring.Aggregator().RunAsync(CancellationToken.None);
        var again = await _serving.DriftQuery.GetAsync(name, null, null, null, CancellationToken.None);

        Assert.Contains(_serving.Monitoring.Logs.Entries, e => e.Message.Contains("1 minutes again after late writes", StringComparison.Ordinal));
        Assert.Equal(60, first.Tensors[0].Hours[0].Values);
        Assert.Equal(
            first.Tensors.Select(t => (t.Name, t.Hours[0].Values, t.Hours[0].Features[0].Psi)),
            again.Tensors.Select(t => (t.Name, t.Hours[0].Values, t.Hours[0].Features[0].Psi)));
    }

    [Fact]
    public async Task Rollup_ClassifierPredictsOneClass_FlagsThePredictionDistribution()
    {
        // Probabilities of two classes; the evaluation set predicts class 0 for three rows and class 1 for three.
        const string Config = """{"evaluation": {"task": "classification", "output": "y", "scores": "probabilities"}, "drift": {"sampleRate": 1, "features": "tensor"}}""";
        var rows = Encoding.UTF8.GetBytes("""{"input": [[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.3, 0.7], [0.2, 0.8], [0.1, 0.9]], "expected": {"y": [0, 0, 0, 1, 1, 1]}}""");
        var name = await AddModelAsync(Config, rows);

        var report = await PredictAndRollUpAsync(name, """{"input": [[0.4, 0.6], [0.1, 0.9], [0.3, 0.7], [0.45, 0.55]]}""", calls: 25);

        var prediction = report.Tensors.Single(t => t.Side == DriftSide.Prediction);
        Assert.Equal("y", prediction.Name);
        Assert.Equal([3L, 3L], prediction.BaselineClassCounts);
        var feature = Assert.Single(prediction.Hours).Features.Single();
        Assert.Equal([0L, 100L], feature.ClassCounts);
        // Shares (0.5, 0.5) against (1e-4, 1): (1e-4 − 0.5) ln(1e-4 / 0.5) + (1 − 0.5) ln(1 / 0.5) = 4.2577449 + 0.3465736.
        Assert.Equal(4.6043185, feature.Psi!.Value, 6);
        Assert.True(feature.Flagged);
    }

    [Fact]
    public async Task Rollup_LiveBaselineWindow_BuildsTheBaselineFromSampledCallsThenFlagsShiftedOnes()
    {
        var now = DateTimeOffset.UtcNow;
        var window = $$"""{"from": "{{now.AddHours(-1):O}}", "to": "{{now.AddHours(1):O}}"}""";
        var config = """{"drift": {"sampleRate": 1, "features": "feature", "baseline": """ + window + "}}";
        var name = await _serving.AddModelAsync(TestModels.Identity(DataType.Float), config);
        for (var i = 0; i < 10; i++)
        {
            await _serving.PredictAsync(name, TenRowsRequest);
        }

        // Each instance writes its sample of the window; once the window has closed the rollup merges them.
        await _serving.Drift.FlushAsync(CancellationToken.None);
        await _serving.Monitoring.DriftAggregator().BuildLiveBaselinesAsync(now.AddHours(2), CancellationToken.None);

        var row = (await _serving.Registry.RowAsync(name, 1))!;
        Assert.Equal((100L, null, string.Empty), (row.DriftBaseline!.Rows, row.DriftBaseline.Problem, row.DriftBaseline.EvaluationSetSha256));
        // The sampled values are deleted once the baseline is stored; only the baseline's bins and moments remain.
        var stored = await _serving.Registry.Evaluations.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{name}/", CancellationToken.None).Select(b => b.Name).ToListAsync();
        Assert.Equal([row.DriftBaseline.BlobPath], stored);
        Assert.Equal([new DriftBaselineTensor("x", "input", "feature", 2), new DriftBaselineTensor("y", "output", "feature", 2)], row.DriftBaseline.Tensors);
        var shifted = "{\"input\": [" + string.Join(", ", Enumerable.Repeat("[100, 1000]", 10)) + "]}";
        var report = await PredictAndRollUpAsync(name, shifted, calls: 10);

        Assert.Equal(("live", 100L), (report.Baseline!.Source, report.Baseline.Rows));
        var first = Assert.Single(report.Tensors.Single(t => t.Side == DriftSide.Input).Hours).Features[0];
        // The window's 100 values 1 … 10 (ten of each) have the evaluation set's deciles, so the same PSI as above.
        Assert.Equal(8.2830894, first.Psi!.Value, 6);
        Assert.True(first.Flagged);
    }

    /// <summary>
    /// Calls made after the live window closed and before the rollup built its baseline wait on the instance, and are
    /// summarised into their own minutes once a call arrives with the baseline: none is invisible to drift.
    /// </summary>
    [Fact]
    public async Task Rollup_CallsBetweenTheWindowClosingAndTheBaseline_AreSummarisedOnceItLands()
    {
        // The window's calls are stamped an hour ago; the calls after it now, when the metrics the rollup follows are recorded.
        var now = DateTimeOffset.UtcNow;
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now.AddHours(-1));
        using var serving = new ServingHarness(azurite, driftClock: clock);
        serving.Monitoring.DriftOptions.MinimumValues = 100;
        var window = $$"""{"from": "{{now.AddHours(-2):O}}", "to": "{{now.AddMinutes(-30):O}}"}""";
        var name = await serving.AddModelAsync(TestModels.Identity(DataType.Float), """{"drift": {"sampleRate": 1, "features": "feature", "baseline": """ + window + "}}");
        for (var i = 0; i < 10; i++)
        {
            await serving.PredictAsync(name, TenRowsRequest);
        }

        await serving.Drift.FlushAsync(CancellationToken.None);
        clock.SetUtcNow(now);
        var shifted = "{\"input\": [" + string.Join(", ", Enumerable.Repeat("[100, 1000]", 10)) + "]}";
        for (var i = 0; i < 10; i++)
        {
            await serving.PredictAsync(name, shifted);
        }

        await serving.Drift.FlushAsync(CancellationToken.None);
        Assert.Equal(10, serving.Drift.Waiting);
        await serving.Monitoring.DriftAggregator().BuildLiveBaselinesAsync(now, CancellationToken.None);
        await serving.PredictAsync(name, shifted);
        await serving.RollUpAsync(now);
        var report = await serving.DriftQuery.GetAsync(name, version: null, from: null, to: null, CancellationToken.None);

        Assert.Equal(0, serving.Drift.Waiting);
        var input = Assert.Single(report.Tensors.Single(t => t.Side == DriftSide.Input).Hours).Features[0];
        Assert.Equal(110, input.Count);
        Assert.True(input.Flagged);
        Assert.Equal(0, serving.Monitoring.DriftObserver.DroppedCount);
    }

    /// <summary>While flushes fail the recorder keeps at most Monitoring:MaxBufferedMinutes summaries, dropping and counting the oldest.</summary>
    [Fact]
    public async Task FlushAsync_FailingPastMaxBufferedMinutes_DropsTheOldestSummariesAndCountsThem()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var serving = new ServingHarness(azurite, driftClock: clock);
        serving.Monitoring.Options.MaxBufferedMinutes = 2;
        var name = await serving.AddModelAsync(TestModels.Identity(DataType.Float), """{"drift": {"sampleRate": 1}}""");
        await serving.Registry.UploadAndRegisterAsync($"{name}/1/evaluation.jsonl", EvaluationSets.TenRows());
        var outage = new Maas.TestKit.Storage.StorageFaultPolicy();
        var recorder = serving.Monitoring.DriftRecorder("outage", TimeProvider.System, outage);
        for (var minute = 0; minute < 4; minute++)
        {
            await serving.PredictAsync(name, TenRowsRequest);
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => recorder.FlushAsync(CancellationToken.None));
        outage.Mode = Maas.TestKit.Storage.StorageFault.None;
        await recorder.FlushAsync(CancellationToken.None);

        // Four minutes of two tensors (x in, y out) are eight summaries; two are kept, the newest minute's.
        Assert.Equal(6, recorder.DroppedMinutes);
        var written = await azurite.TableService.GetTableClient(serving.Monitoring.DriftTables.Raw).QueryAsync<Azure.Data.Tables.TableEntity>().Select(e => (e.PartitionKey, e.GetString("Tensor"))).ToListAsync();
        Assert.Equal(2, written.Count);
        Assert.Single(written.Select(w => w.PartitionKey).Distinct());
        Assert.Contains(serving.Monitoring.Logs.Entries, e => e.Message.Contains("dropped 6 unwritten drift summaries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BuildLiveBaselines_NoCallInTheWindow_LeavesTheReasonOnTheRow()
    {
        var name = await _serving.AddModelAsync(TestModels.Identity(DataType.Float), """{"drift": {"sampleRate": 1, "baseline": {"from": "2026-01-01T00:00:00Z", "to": "2026-01-02T00:00:00Z"}}}""");

        await _serving.Monitoring.DriftAggregator().BuildLiveBaselinesAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        var summary = (await _serving.Registry.RowAsync(name, 1))!.DriftBaseline!;
        Assert.Equal(("no call was sampled in the live baseline window", string.Empty), (summary.Problem, summary.BlobPath));
    }

    [Fact]
    public async Task Get_BadVersionOrRange_Is400NamingTheArgument()
    {
        var name = await AddModelAsync("""{"drift": {"sampleRate": 1}}""", EvaluationSets.TenRows());

        var version = await Assert.ThrowsAsync<Errors.MaasException>(() => _serving.DriftQuery.GetAsync(name, "one", null, null, CancellationToken.None));
        var range = await Assert.ThrowsAsync<Errors.MaasException>(() => _serving.DriftQuery.GetAsync(name, null, "2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z", CancellationToken.None));

        Assert.Equal((Errors.ErrorKind.InvalidInput, "version is 'one'; expected a positive whole number."), (version.Kind, version.Message));
        Assert.Equal((Errors.ErrorKind.InvalidInput, "from must not be after to."), (range.Kind, range.Message));
    }

    public void Dispose() => _serving.Dispose();

    private sealed class ToleranceComparer : IEqualityComparer<(long, double, double, double)>
    {
        public bool Equals((long, double, double, double) x, (long, double, double, double) y)
            => x.Item1 == y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-9 && Math.Abs(x.Item3 - y.Item3) < 1e-9 && Math.Abs(x.Item4 - y.Item4) < 1e-9;

        public int GetHashCode((long, double, double, double) obj) => obj.Item1.GetHashCode();
    }
}
