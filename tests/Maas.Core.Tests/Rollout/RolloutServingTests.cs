using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Protocol;
using Maas.Core.Registry;
using Maas.Core.Rollout;
using Maas.Core.Serving;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Maas.Core.Tests.Rollout;

/// <summary>
/// Rollouts end to end on Azurite and ONNX Runtime: calls split by the registry, shadow copies run and compared,
/// the minute rollups, and the judge after each aggregation (the monitoring clock is moved, never slept on).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class RolloutServingTests(AzuriteFixture azurite) : IDisposable
{
    private const int Callers = 100;
    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task Judge_CanaryRefusingWhatTheDefaultAccepts_RolledBackByTheFirstAggregationAndThenTakesNoCalls()
    {
        // PaddleOCR's detector as the canary of its classifier: the same input x, but its kernels refuse 48 × 192 images.
        var name = await _serving.AddModelAsync(RealModels.OcrClassifier());
        await _serving.AddVersionAsync(name, RealModels.OcrDetector(), """
            {"rollout": {"canary": {"version": 2, "percent": 30, "sticky": "caller"}, "gates": {"errorRate": {"max": 0.05}}, "rollback": true}}
            """, version: 2);

        var first = await CallOcrAsync(name);
        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        var report = await _serving.RolloutQuery.GetAsync(name, CancellationToken.None);
        var after = await CallOcrAsync(name);

        var expectedCanary = Enumerable.Range(0, Callers).Count(i => CanarySplit.ToCanary(name, new CanaryConfig(2, 30, CanarySticky.Caller), $"oid-{i}"));
        Assert.InRange(expectedCanary, 1, Callers - 1);
        Assert.Equal((Callers - expectedCanary, expectedCanary), (first.Count(v => v == "1"), first.Count(v => v == "refused by 2")));
        Assert.Equal("rolled back", report.State);
        var decision = report.Decisions[^1];
        Assert.Equal((RolloutState.RolledBack, (long)expectedCanary), (decision.State, decision.Requests));
        Assert.Equal([(RolloutGates.ErrorRate, 1.0, 0.05)], decision.Breaches.Select(b => (b.Gate, b.Value, b.Limit)));
        Assert.All(after, version => Assert.Equal("1", version));
        Assert.Equal(PromotionPolicy.RolledBack, (await _serving.Registry.Resolver.PromotionOfAsync(name, CancellationToken.None)).States[2].State);
        Assert.Contains(_serving.Monitoring.Logs.Entries, entry => entry.Level == Microsoft.Extensions.Logging.LogLevel.Warning && entry.Message.StartsWith($"Rollout of model {name} version 2: rolled back: errorRate 1", StringComparison.Ordinal));

        // A config.json edit registers every version again: the rollout's state stays on the canary's row.
        await _serving.Registry.UploadAndRegisterAsync($"{name}/config.json", """
            {"description": "edited", "rollout": {"canary": {"version": 2, "percent": 30, "sticky": "caller"}, "gates": {"errorRate": {"max": 0.05}}, "rollback": true}}
            """u8.ToArray());
        Assert.Equal("edited", (await _serving.Registry.RowAsync(name, 2))!.Config.Description);
        Assert.Equal(RolloutState.RolledBack, (await _serving.Registry.RowAsync(name, 2))!.Rollout!.State);
        Assert.Equal(PromotionPolicy.RolledBack, (await _serving.Registry.Resolver.PromotionOfAsync(name, CancellationToken.None)).States[2].State);
    }

    [Fact]
    public async Task Judge_CanaryWhoseInputsDrift_RolledBackOnTheDriftGate()
    {
        // The canary's baseline holds features 1 … 10 and 10 … 100; its calls move the first feature to 21 … 30.
        using var serving = new ServingHarness(azurite);
        serving.Monitoring.DriftOptions.MinimumValues = 100;
        var name = await serving.AddModelAsync(TestModels.Identity(DataType.Float), """
            {"drift": {"sampleRate": 1, "features": "feature"},
             "rollout": {"canary": {"version": 2, "percent": 100}, "gates": {"driftPsi": {"max": 0.2}}}}
            """);
        await serving.AddVersionAsync(name, TestModels.Identity(DataType.Float), version: 2);
        await serving.Registry.UploadAndRegisterAsync($"{name}/2/evaluation.jsonl", EvaluationSets.TenRows());
        var rows = string.Join(", ", Enumerable.Range(1, 10).Select(i => $"[{i + 20}, {i * 10}]"));
        for (var i = 0; i < 10; i++)
        {
            using var response = await serving.PredictAsync(name, $"{{\"input\": [{rows}]}}");
            Assert.Equal("2", VersionOf(response));
        }

        await serving.RollUpAsync(DateTimeOffset.UtcNow);
        var report = await serving.RolloutQuery.GetAsync(name, CancellationToken.None);

        var drift = await serving.DriftQuery.GetAsync(name, "2", null, null, CancellationToken.None);
        Assert.Equal("rolled back", report.State);
        var breach = Assert.Single(report.Decisions[^1].Breaches);
        Assert.Equal(RolloutGates.DriftPsi, breach.Gate);
        // The largest PSI of the canary's input features in the hour, as the drift API has it.
        Assert.Equal(drift.Tensors.Single(t => t.Side == "input").Hours.Single().Features.Max(f => f.Psi), breach.Value);
    }

    [Fact]
    public async Task Judge_HealthyCanaryPastItsWindow_IsPromotedToTheDefault()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.AddVersionAsync(name, TestModels.Linear(), """
            {"rollout": {"canary": {"version": 2, "percent": 50}, "gates": {"errorRate": {"max": 0.01}, "p95Ms": {"max": 5000}},
                         "promote": {"after": "00:10:00", "minRequests": 20}}}
            """, version: 2);
        var now = DateTimeOffset.UtcNow;
        var versions = new List<string>();
        for (var i = 0; i < Callers; i++)
        {
            using var response = await _serving.PredictAsync(name, """{"input": [[1, 2, 3, 4]]}""", caller: CallerNumber(i));
            versions.Add(VersionOf(response));
        }

        await _serving.RollUpAsync(now);
        var early = await _serving.RolloutQuery.GetAsync(name, CancellationToken.None);
        await _serving.RollUpAsync(now.AddMinutes(10));
        var due = await _serving.RolloutQuery.GetAsync(name, CancellationToken.None);

        Assert.InRange(versions.Count(v => v == "2"), 20, Callers - 1);
        Assert.Equal(("running", 1), (early.State, early.Decisions.Count));
        Assert.Equal(("promoted", 2L), (due.State, due.DefaultVersion));
        Assert.StartsWith($"promoted: {versions.Count(v => v == "2")} calls over 00:10:00 without a breach", due.Decisions[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(2, (await _serving.Registry.Resolver.ResolveAsync(name, null, CancellationToken.None)).Version);
        using var afterwards = await _serving.PredictAsync(name, """{"input": [[1, 2, 3, 4]]}""", caller: CallerNumber(0));
        Assert.Equal("2", VersionOf(afterwards));
    }

    [Fact]
    public async Task Split_StickyByRequest_SendsTheRequestIdsTheHashPicksToTheCanary()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.AddVersionAsync(name, TestModels.Linear(), """{"rollout": {"canary": {"version": 2, "percent": 30, "sticky": "request"}}}""", version: 2);
        var body = """{"input": [[1, 2, 3, 4]]}"""u8.ToArray();

        var answered = new List<(string Id, string Version)>();
        for (var i = 0; i < Callers; i++)
        {
            var id = $"req-{i}";
            using var response = await _serving.RunAsync(_serving.Simple, new WireRequest("application/json", body.Length, header => header == PredictionPipeline.RequestIdHeader ? id : null, new MemoryStream(body)), name, version: null);
            answered.Add((id, VersionOf(response)));
        }

        var canary = new CanaryConfig(2, 30, CanarySticky.Request);
        Assert.Equal(answered.Select(a => CanarySplit.ToCanary(name, canary, a.Id) ? "2" : "1"), answered.Select(a => a.Version));
        Assert.Contains(answered, a => a.Version == "2");
    }

    [Fact]
    public async Task Shadow_VersionDifferingOnAKnownShareOfInputs_GivesThatAgreementAndNeverTheCallersAnswer()
    {
        // The default is Relu, the shadow Identity: they agree exactly on the rows with no negative value, 35 of 50.
        var name = await _serving.AddModelAsync(Relu());
        await _serving.AddVersionAsync(name, TestModels.Identity(DataType.Float), """
            {"rollout": {"shadow": {"version": 2, "percent": 100}, "gates": {"agreement": {"min": 0.5}}}}
            """, version: 2);

        var answers = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            using var response = await _serving.PredictAsync(name, i < 15 ? """{"input": [[1, -2, 3]]}""" : """{"input": [[1, 2, 3]]}""");
            answers.Add(VersionOf(response) + " " + Encoding.UTF8.GetString(response.Body.Span));
        }

        var ran = await _serving.RunShadowsAsync();
        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        var report = await _serving.RolloutQuery.GetAsync(name, CancellationToken.None);

        Assert.Equal(50, ran);
        Assert.All(answers.Take(15), answer => Assert.Contains("[[1,0,3]]", answer.Replace(".0", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.All(answers, answer => Assert.StartsWith("1 ", answer, StringComparison.Ordinal));
        var shadow = Assert.Single(report.Versions, v => v.Role == PromotionPolicy.Shadow);
        Assert.Equal((50L, 50L, 50L, 0.7), (shadow.Requests, shadow.ShadowCalls, shadow.Compared, shadow.Agreement));
        Assert.Equal((50L, 0L), (report.Versions.Single(v => v.Role == PromotionPolicy.Default).Requests, report.Versions.Single(v => v.Role == PromotionPolicy.Default).ShadowCalls));
        Assert.Equal(("running", 1), (report.State, report.Decisions.Count));
    }

    [Fact]
    public async Task Judge_CanaryAndShadowTogether_ShadowsBreachRecordedForItWhileTheHealthyCanaryRuns()
    {
        // Relu as default and canary, Identity as the shadow: copies of default calls with a negative value disagree.
        var name = await _serving.AddModelAsync(Relu());
        await _serving.AddVersionAsync(name, Relu(), version: 2);
        await _serving.AddVersionAsync(name, TestModels.Identity(DataType.Float), """
            {"rollout": {"canary": {"version": 2, "percent": 50}, "shadow": {"version": 3, "percent": 100},
                         "gates": {"errorRate": {"max": 0.01}, "agreement": {"min": 0.99}}}}
            """, version: 3);
        var canary = new CanaryConfig(2, 50, CanarySticky.Caller);
        var toDefault = Enumerable.Range(0, Callers).Where(i => !CanarySplit.ToCanary(name, canary, $"oid-{i}")).ToList();
        for (var i = 0; i < Callers; i++)
        {
            using var response = await _serving.PredictAsync(name, i < 30 ? """{"input": [[1, -2, 3]]}""" : """{"input": [[1, 2, 3]]}""", caller: CallerNumber(i));
        }

        await _serving.RunShadowsAsync();
        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        var report = await _serving.RolloutQuery.GetAsync(name, CancellationToken.None);

        // Hand count: the shadow saw only the default's calls; those from callers 0-29 sent a negative value.
        var agreement = (double)toDefault.Count(i => i >= 30) / toDefault.Count;
        Assert.InRange(toDefault.Count(i => i < 30), 1, 29);
        Assert.Equal(agreement, report.Versions.Single(v => v.Role == PromotionPolicy.Shadow).Agreement);
        Assert.Equal("running", report.State);
        var shadowDecision = Assert.Single(report.Decisions, d => d.Version == 3);
        Assert.Equal([(RolloutGates.Agreement, agreement, 0.99)], shadowDecision.Breaches.Select(b => (b.Gate, b.Value, b.Limit)));
        Assert.StartsWith("shadow version 3, running: agreement", shadowDecision.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Decisions, d => d.Version == 2 && d.Breaches.Count > 0);
        await _serving.RollUpAsync(DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Single((await _serving.RolloutQuery.GetAsync(name, CancellationToken.None)).Decisions, d => d.Version == 3);
    }

    [Fact]
    public async Task Shadow_ThatFailsEveryCopy_CountsItsFailuresAndCallersGetTheDefaultsAnswer()
    {
        var name = await _serving.AddModelAsync(RealModels.OcrClassifier());
        await _serving.AddVersionAsync(name, RealModels.OcrDetector(), """
            {"rollout": {"shadow": {"version": 2, "percent": 100}, "gates": {"errorRate": {"max": 0.01}}}}
            """, version: 2);

        var (header, binary) = OcrCall(new Random(5));
        using var explicitDefault = await _serving.InferV2Async(name, header, binary, version: "1");
        var expected = explicitDefault.Body.ToArray();
        for (var i = 0; i < 10; i++)
        {
            using var response = await _serving.InferV2Async(name, header, binary);
            Assert.Equal(expected, response.Body.ToArray());
        }

        Assert.Equal(10, await _serving.RunShadowsAsync());
        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        var report = await _serving.RolloutQuery.GetAsync(name, CancellationToken.None);

        var shadow = Assert.Single(report.Versions, v => v.Role == PromotionPolicy.Shadow);
        Assert.Equal((10L, 10L, 1.0, 0L), (shadow.Requests, shadow.Failed, shadow.ErrorRate, shadow.Compared));
        Assert.Equal("running", report.State);
        Assert.EndsWith("(a shadow is never rolled back: its answers reach no caller)", report.Decisions[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shadow_QueueFull_CopiesDroppedAndCountedOnTheDefault()
    {
        using var serving = new ServingHarness(azurite, rollout: new RolloutOptions { ShadowQueueCapacity = 2 });
        var name = await serving.AddModelAsync(TestModels.Linear());
        await serving.AddVersionAsync(name, TestModels.Linear(), """{"rollout": {"shadow": {"version": 2}}}""", version: 2);

        for (var i = 0; i < 5; i++)
        {
            using var response = await serving.PredictAsync(name, """{"input": [[1, 2, 3, 4]]}""");
        }

        await serving.RollUpAsync(DateTimeOffset.UtcNow);
        var report = await serving.RolloutQuery.GetAsync(name, CancellationToken.None);

        Assert.Equal(3, serving.Shadows.Dropped);
        Assert.Equal(3, report.Versions.Single(v => v.Role == PromotionPolicy.Default).ShadowDropped);
        Assert.Equal(2, await serving.RunShadowsAsync());
    }

    [Fact]
    public async Task GetAsync_ModelWithoutRollout_Is404NamingConfigJson()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        var error = await Assert.ThrowsAsync<MaasException>(() => _serving.RolloutQuery.GetAsync(name, CancellationToken.None));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Contains("config.json has no 'rollout'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _serving.Dispose();

    private static Caller CallerNumber(int i) => new("app", $"oid-{i}", new HashSet<string>(), new HashSet<string>());

    private static string VersionOf(EncodedResponse response) => response.Headers.Single(h => h.Key == ResponseHeaders.ModelVersion).Value;

    /// <summary>One call per caller; each answer is the version that answered, or "refused by N" for a model's refusal.</summary>
    private async Task<List<string>> CallOcrAsync(string name)
    {
        var random = new Random(7);
        var answers = new List<string>();
        for (var i = 0; i < Callers; i++)
        {
            var (header, binary) = OcrCall(random);
            try
            {
                using var response = await _serving.InferV2Async(name, header, binary, caller: CallerNumber(i));
                answers.Add(VersionOf(response));
            }
            catch (MaasException error) when (error.FromModel)
            {
                answers.Add("refused by " + _serving.LastMeasurement!.Model!.Version);
            }
        }

        return answers;
    }

    private static (byte[] Header, byte[] Binary) OcrCall(Random random)
    {
        var image = Enumerable.Range(0, 3 * 48 * 192).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var header = $$$"""{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 3, 48, 192], "parameters": {"binary_data_size": {{{image.Length * 4}}} }}]}""";
        return (Encoding.UTF8.GetBytes(header), MemoryMarshal.AsBytes(image.AsSpan()).ToArray());
    }

    private static byte[] Relu() => new OnnxModelBuilder("relu")
        .Input("x", DataType.Float, TestModels.BatchDim, "n")
        .Node("Relu", ["x"], ["y"])
        .Output("y", DataType.Float, TestModels.BatchDim, "n")
        .ToBytes();
}
