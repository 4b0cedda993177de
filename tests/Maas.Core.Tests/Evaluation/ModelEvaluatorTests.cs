using System.Text;
using System.Text.Json;
using Maas.Core.Evaluation;
using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Maas.Core.Tests.Evaluation;

/// <summary>
/// Evaluation through registration on Azurite with real ONNX Runtime sessions. The argmax classifier predicts the
/// largest of its inputs, so each test chooses the predictions and computes the metrics by hand.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ModelEvaluatorTests(AzuriteFixture azurite) : IDisposable
{
    // Rows whose argmax is 0, 1 and 2.
    private const string Zero = "[0.7, 0.2, 0.1]";
    private const string One = "[0.2, 0.7, 0.1]";
    private const string Two = "[0.1, 0.2, 0.7]";

    private readonly ServingHarness _serving = new(azurite);
    private readonly string _name = RegistryHarness.NewModelName();

    private RegistryHarness Registry => _serving.Registry;

    /// <summary>Expected [0,0,1,1,2,2], predicted [0,1,1,1,2,0]: the first line batches two rows.</summary>
    private static string HandComputedSet(string output = "label") => string.Join('\n',
        $$$"""{"inputs": {"x": [{{{Zero}}}, {{{One}}}]}, "expected": {"{{{output}}}": [0, 0]}}""",
        $$$"""{"input": [{{{One}}}], "expected": {"{{{output}}}": [1]}}""",
        "",
        $$$"""{"input": [{{{One}}}], "expected": {"{{{output}}}": 1}}""",
        $$$"""{"input": [{{{Two}}}], "expected": {"{{{output}}}": [2]}}""",
        $$$"""{"input": [{{{Zero}}}], "expected": {"{{{output}}}": [2]}}""");

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private async Task<ModelVersionRecord> DropAsync(long version, string? evaluationSet, string? config = null)
    {
        if (config is not null)
        {
            await Registry.UploadAsync($"{_name}/config.json", Utf8(config));
        }

        await Registry.UploadAndRegisterAsync($"{_name}/{version}/model.onnx", TestModels.ArgMaxClassifier());
        if (evaluationSet is not null)
        {
            await Registry.UploadAndRegisterAsync($"{_name}/{version}/evaluation.jsonl", Utf8(evaluationSet));
        }

        return (await Registry.RowAsync(_name, version))!;
    }

    /// <summary>
    /// A classifier whose label output is a string tensor is scored by name without config.json labels: expected
    /// [setosa, setosa, versicolor, virginica], predicted [setosa, versicolor, versicolor, virginica]. Classes are the
    /// sorted names: accuracy 3/4; per class precision (1, 1/2, 1) and recall (1/2, 1, 1), so macro F1 = (2/3 + 2/3 + 1)/3.
    /// </summary>
    [Fact]
    public async Task Evaluate_StringLabelOutputWithoutLabels_ComparesClassNames()
    {
        await Registry.UploadAsync($"{_name}/config.json", Utf8("""{"evaluation":{"task":"classification","gates":{"accuracy":{"min":0.7}}}}"""));
        await Registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.NamedClassClassifier("virginica", "versicolor", "setosa"));
        await Registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", Utf8(string.Join('\n',
            $$$"""{"input": [[0, 0, 1], [0, 1, 0]], "expected": {"label": ["setosa", "setosa"]}}""",
            $$$"""{"input": [[0, 1, 0]], "expected": {"label": ["versicolor"]}}""",
            $$$"""{"input": [[1, 0, 0]], "expected": {"label": "virginica"}}""")));

        var row = (await Registry.RowAsync(_name, 1))!;

        Assert.True(row.Status == ModelStatus.Ready, row.Reason);
        Assert.Equal(0.75, row.Evaluation!.Metrics["accuracy"], 1e-12);
        Assert.Equal(((2.0 / 3) + (2.0 / 3) + 1) / 3, row.Evaluation.Metrics["macroF1"], 1e-12);
        Assert.True(row.Evaluation.Passed);
        using var report = await ReportAsync(row);
        var details = report.RootElement.GetProperty("details");
        Assert.Equal(["setosa", "versicolor", "virginica"], details.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var matrix = details.GetProperty("confusionMatrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal([[1, 1, 0], [0, 1, 0], [0, 0, 1]], matrix);
    }

    [Fact]
    public async Task Evaluate_StringLabelOutputExpectingAnIndex_FailsNamingTheLine()
    {
        await Registry.UploadAsync($"{_name}/config.json", Utf8("""{"evaluation":{"task":"classification"}}"""));
        await Registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.NamedClassClassifier("a", "b"));
        await Registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", Utf8("""{"input": [[0, 1]], "expected": {"label": [1]}}"""));

        var row = (await Registry.RowAsync(_name, 1))!;

        Assert.Equal(ModelStatus.Ready, row.Status);
        Assert.StartsWith("evaluation.jsonl line 1 has expected label 1; output 'label' answers class names", row.Evaluation!.Problem, StringComparison.Ordinal);
    }

    private async Task<JsonDocument> ReportAsync(ModelVersionRecord row)
        => JsonDocument.Parse((await Registry.Evaluations.GetBlobClient(row.Evaluation!.ReportBlobPath).DownloadContentAsync()).Value.Content.ToArray());

    [Fact]
    public async Task Register_ClassificationOnLabels_MeasuresTheHandComputedConfusionMatrix()
    {
        var row = await DropAsync(1, HandComputedSet(), """{"evaluation": {"task": "classification", "output": "label", "gates": {"accuracy": {"min": 0.6}}}}""");

        var summary = row.Evaluation!;
        Assert.Equal(ModelStatus.Ready, row.Status);
        Assert.Null(summary.Problem);
        Assert.Equal(6, summary.Rows);
        Assert.Equal(4.0 / 6, summary.Metrics["accuracy"], 12);
        Assert.Equal((0.5 + 2.0 / 3 + 1) / 3, summary.Metrics["macroPrecision"], 12);
        Assert.Equal((0.5 + 1 + 0.5) / 3, summary.Metrics["macroRecall"], 12);
        Assert.Equal((0.5 + 0.8 + 2.0 / 3) / 3, summary.Metrics["macroF1"], 12);
        Assert.DoesNotContain("logLoss", summary.Metrics.Keys);
        Assert.True(summary.Passed);
        Assert.Equal(64, summary.EvaluationSetSha256.Length);

        using var report = await ReportAsync(row);
        var matrix = report.RootElement.GetProperty("details").GetProperty("confusionMatrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal([[1, 1, 0], [0, 2, 0], [1, 0, 1]], matrix);
        var perClass = report.RootElement.GetProperty("details").GetProperty("perClass");
        Assert.Equal(2.0 / 3, perClass[1].GetProperty("precision").GetDouble(), 12);
        Assert.Equal(2, perClass[1].GetProperty("support").GetInt32());
    }

    [Fact]
    public async Task Register_EvaluationSetOrConfigChanged_EvaluatesAgain()
    {
        var first = await DropAsync(1, HandComputedSet(), """{"evaluation": {"task": "classification", "output": "label"}}""");
        await Registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", Utf8($$$"""{"input": [{{{Two}}}], "expected": {"label": [2]}}"""));
        var replaced = (await Registry.RowAsync(_name, 1))!;
        await Registry.UploadAndRegisterAsync($"{_name}/config.json", Utf8("""{"evaluation": {"task": "classification", "output": "label", "gates": {"accuracy": {"min": 0.99}}}}"""));
        var regated = (await Registry.RowAsync(_name, 1))!;

        Assert.Equal(4.0 / 6, first.Evaluation!.Metrics["accuracy"], 12);
        Assert.Equal((1.0, 1L), (replaced.Evaluation!.Metrics["accuracy"], replaced.Evaluation.Rows));
        Assert.NotEqual(first.Evaluation.EvaluationSetSha256, replaced.Evaluation.EvaluationSetSha256);
        Assert.Equal("accuracy", Assert.Single(regated.Evaluation!.Gates).Metric);
        Assert.NotEqual(replaced.Evaluation.ReportBlobPath, regated.Evaluation.ReportBlobPath);
    }

    [Fact]
    public async Task Register_ClassificationOnProbabilities_AddsLogLossAndTopK()
    {
        var row = await DropAsync(1, HandComputedSet("scores"), """{"evaluation": {"task": "classification", "output": "scores", "scores": "probabilities"}, "labels": {"scores": ["cat", "dog", "fox"]}}""");

        var metrics = row.Evaluation!.Metrics;
        Assert.Null(row.Evaluation.Problem);
        Assert.Equal(4.0 / 6, metrics["accuracy"], 12);
        // −(4·ln 0.7 + ln 0.2 + ln 0.1) / 6: the true class got 0.7 four times, 0.2 once (row 2) and 0.1 once (row 6).
        Assert.Equal(-(4 * Math.Log(0.7) + Math.Log(0.2) + Math.Log(0.1)) / 6, metrics["logLoss"], 6);
        Assert.Equal(5.0 / 6, metrics["top2Accuracy"], 12);
        Assert.DoesNotContain("top5Accuracy", metrics.Keys);
        Assert.DoesNotContain("rocAuc", metrics.Keys);
        using var report = await ReportAsync(row);
        Assert.Equal(["cat", "dog", "fox"], report.RootElement.GetProperty("details").GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Register_ClassNamesAsExpectedLabels_MapThroughConfigLabels()
    {
        var set = $$$"""{"inputs": {"x": [{{{Zero}}}, {{{One}}}, {{{Two}}}]}, "expected": {"label": ["cat", "dog", "dog"]}}""";

        var row = await DropAsync(1, set, """{"evaluation": {"task": "classification", "output": "label"}, "labels": {"label": ["cat", "dog", "fox"]}}""");

        Assert.Equal(2.0 / 3, row.Evaluation!.Metrics["accuracy"], 12);
    }

    [Fact]
    public async Task Register_Regression_MeasuresTheHandComputedResiduals()
    {
        // y = x; expected 1.5, 2, 3 for x = 1, 2, 4: residuals -0.5, 0, 1.
        await Registry.UploadAsync($"{_name}/config.json", Utf8("""{"evaluation": {"task": "regression", "gates": {"mae": {"max": 0.4}}}}"""));
        await Registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Identity(Onnx.TensorProto.Types.DataType.Float));
        await Registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", Utf8("""{"input": [[1], [2], [4]], "expected": {"y": [[1.5], [2], [3]]}}"""));

        var summary = (await Registry.RowAsync(_name, 1))!.Evaluation!;

        Assert.Equal(0.5, summary.Metrics["mae"], 12);
        Assert.Equal(Math.Sqrt(1.25 / 3), summary.Metrics["rmse"], 12);
        Assert.Equal(1 - (1.25 / (7.0 / 6)), summary.Metrics["r2"], 12);
        Assert.Equal(1, summary.Metrics["maxError"], 12);
        Assert.Equal((0.5 / 1.5 + 0 + 1.0 / 3) / 3, summary.Metrics["mape"], 12);
        Assert.Equal(new Promotion(PromotionPolicy.Rejected, "mae 0.5 > max 0.4"), PromotionPolicy.Decide([(await Registry.RowAsync(_name, 1))!]).States[1]);
    }

    [Fact]
    public async Task Register_GoldenOutputs_CountsElementsWithinTolerance()
    {
        await Registry.UploadAsync($"{_name}/config.json", Utf8("""{"evaluation": {"task": "outputs", "gates": {"withinTolerance": {"min": 0.75}}}}"""));
        await Registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Identity(Onnx.TensorProto.Types.DataType.Float));
        await Registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", Utf8("""{"input": [[1, 2], [3, 4]], "expected": {"y": [[1, 2], [3, 4.1]]}}"""));

        var summary = (await Registry.RowAsync(_name, 1))!.Evaluation!;

        Assert.Equal(0.75, summary.Metrics["withinTolerance"], 12);
        Assert.Equal(0.1, summary.Metrics["maxAbsoluteError"], 9);
        Assert.Equal(0.1 / 4.1, summary.Metrics["maxRelativeError"], 9);
        Assert.True(summary.Passed);
    }

    [Theory]
    [InlineData("{\"input\": [[0.7, 0.2, 0.1]], \"expected\": {\"label\": [0]}}\n{\"input\": [[0.7, 0.2]], \"expected\": {\"label\": [0]}}", "evaluation.jsonl line 2 input 'x' has shape [1,2]; the model takes [-1,3] (-1: any size).")]
    [InlineData("{\"input\": [[0.7, 0.2, 0.1]], \"expected\": {\"label\": [0]}}\n{\"input\": [[0.7, 0.2, 0.1]], \"expected\": {\"label\": [0]}\n", "evaluation.jsonl line 2 is not valid JSON (byte 56).")]
    [InlineData("{\"input\": [[0.7, 0.2, 0.1]], \"expected\": {\"label\": [0, 1]}}", "evaluation.jsonl line 1 expects 2 labels of output 'label', and the model answered 1.")]
    [InlineData("{\"input\": [[\"a\", 0.2, 0.1]], \"expected\": {\"label\": [0]}}", "evaluation.jsonl line 1 input 'x' element 0 is \"a\"; Float takes a number.")]
    [InlineData("{\"input\": [[0.7, 0.2, 0.1]], \"expected\": {\"label\": [\"cat\"]}}", "evaluation.jsonl line 1 has expected label \"cat\"; class names need config.json labels for output 'label'.")]
    [InlineData("\n\n", "evaluation.jsonl has no examples.")]
    public async Task Register_UnusableEvaluationSet_StaysReadyButIsRejectedNamingTheLine(string set, string reason)
    {
        var row = await DropAsync(1, set, """{"evaluation": {"task": "classification", "output": "label"}}""");

        Assert.Equal(ModelStatus.Ready, row.Status);
        Assert.Equal(reason, row.Evaluation!.Problem);
        Assert.Empty(row.Evaluation.Metrics);
        Assert.Equal(new Promotion(PromotionPolicy.Rejected, reason), PromotionPolicy.Decide([row]).States[1]);
    }

    [Fact]
    public async Task Register_ConfiguredOutputUnknown_RejectedNamingTheOutputs()
    {
        var row = await DropAsync(1, HandComputedSet(), """{"evaluation": {"task": "classification", "output": "probs"}}""");

        Assert.Equal("config.json evaluation.output 'probs' is not a tensor output of the model; its outputs are scores, label.", row.Evaluation!.Problem);
    }

    [Fact]
    public async Task Register_LabelsDisagreeWithScoreColumns_RejectedNamingBothCounts()
    {
        var row = await DropAsync(1, HandComputedSet("scores"), """{"evaluation": {"task": "classification", "output": "scores", "scores": "logits"}, "labels": {"scores": ["cat", "dog"]}}""");

        Assert.Equal("config.json labels for output 'scores' name 2 classes, and the output scores 3.", row.Evaluation!.Problem);
    }

    [Fact]
    public async Task Register_MoreRowsThanAllowed_RejectedNamingTheSetting()
    {
        using var serving = new ServingHarness(azurite, registry: options => options.MaxEvaluationRows = 5);
        await serving.Registry.UploadAsync($"{_name}/config.json", Utf8("""{"evaluation": {"task": "classification", "output": "label"}}"""));
        await serving.Registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.ArgMaxClassifier());
        await serving.Registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", Utf8(HandComputedSet()));

        var row = (await serving.Registry.RowAsync(_name, 1))!;

        Assert.Equal("evaluation.jsonl has more than 5 examples (line 6); Registry:MaxEvaluationRows allows at most 5.", row.Evaluation!.Problem);
    }

    [Fact]
    public void Evaluate_SlowerThanTheTimeout_RejectedNamingTheSetting()
    {
        var folder = Directory.CreateTempSubdirectory("maas-evaluator-test-");
        try
        {
            var graph = Path.Combine(folder.FullName, "model.onnx");
            var set = Path.Combine(folder.FullName, "evaluation.jsonl");
            File.WriteAllBytes(graph, TestModels.ArgMaxClassifier());
            File.WriteAllText(set, HandComputedSet());
            var row = new ModelVersionRecord
            {
                Name = _name,
                Version = 1,
                Status = ModelStatus.Ready,
                BlobPath = $"{_name}/1/model.onnx",
                Config = ModelConfig.Parse(Utf8("""{"evaluation": {"task": "classification", "output": "label"}}""")),
            };
            // Every clock read moves time on by more than the whole budget: the evaluation is out of time at once.
            var clock = new FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromSeconds(2) };
            var evaluator = new ModelEvaluator(new EvaluationPass(Registry.Sessions, Options.Create(new RegistryOptions { EvaluationTimeout = TimeSpan.FromSeconds(1) }), clock, Registry.Logs.CreateLogger<EvaluationPass>()), clock);

            var run = evaluator.Evaluate(row, graph, set, Registry.Sessions.Inspect(graph), CancellationToken.None);

            Assert.Equal("Evaluation did not finish within 00:00:01 (Registry:EvaluationTimeout).", run.Summary.Problem);
            Assert.False(run.Summary.Passed);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Resolve_VersionsArriveOutOfOrder_OnlyEvaluatedPassingVersionsBecomeDefault()
    {
        const string Config = """{"evaluation": {"task": "classification", "output": "label", "gates": {"accuracy": {"min": 0.6}}}}""";
        var allWrong = $$$"""{"inputs": {"x": [{{{Zero}}}, {{{One}}}]}, "expected": {"label": [2, 2]}}""";
        var allRight = $$$"""{"inputs": {"x": [{{{Zero}}}, {{{One}}}]}, "expected": {"label": [0, 1]}}""";

        await DropAsync(1, HandComputedSet(), Config);
        await DropAsync(2, allWrong);
        await DropAsync(3, evaluationSet: null);
        var afterThree = await _serving.Catalog.GetModelAsync(_name, CancellationToken.None);
        await Registry.UploadAndRegisterAsync($"{_name}/3/evaluation.jsonl", Utf8(allRight));
        var model = await _serving.Catalog.GetModelAsync(_name, CancellationToken.None);

        Assert.Equal(1, afterThree.DefaultVersion);
        Assert.Equal(PromotionPolicy.AwaitingEvaluation, afterThree.Versions![0].Promotion!.State);
        Assert.Equal(3, model.DefaultVersion);
        var byVersion = model.Versions!.ToDictionary(v => v.Version);
        Assert.Equal(new Promotion(PromotionPolicy.Rejected, "accuracy 0 < min 0.6"), byVersion[2].Promotion);
        Assert.Equal(PromotionPolicy.Default, byVersion[3].Promotion!.State);
        Assert.Equal(1.0, byVersion[3].Evaluation!.Metrics["accuracy"]);
        // A rejected version still serves when named.
        using var named = await _serving.PredictAsync(_name, $$$"""{"input": [{{{Two}}}], "output": "label"}""", version: "2");
        Assert.Contains("\"version\":2,", Encoding.UTF8.GetString(named.Body.Span), StringComparison.Ordinal);
        Assert.Contains(Registry.Logs.Entries, e => e.Message.Contains($"Promotion of model {_name} version 2: rejected (accuracy 0 < min 0.6); the default version is 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompareEvaluations_TwoVersions_ShowsEachMetricPerVersionAndTheDefault()
    {
        const string Config = """{"evaluation": {"task": "classification", "output": "label", "gates": {"accuracy": {"min": 0.6}}}}""";
        await DropAsync(1, HandComputedSet(), Config);
        await DropAsync(2, $$$"""{"inputs": {"x": [{{{Zero}}}, {{{One}}}]}, "expected": {"label": [2, 2]}}""");

        var comparison = await _serving.Catalog.CompareEvaluationsAsync(_name, CancellationToken.None);

        Assert.Equal(1, comparison.DefaultVersion);
        Assert.Equal("The highest Ready version that passes its evaluation gates.", comparison.DefaultReason);
        Assert.Equal(4.0 / 6, comparison.Metrics["accuracy"]["1"], 12);
        Assert.Equal(0, comparison.Metrics["accuracy"]["2"]);
        Assert.Equal([2L, 1L], comparison.Versions.Select(v => v.Version));
        Assert.False(comparison.Versions[0].Evaluation!.Gates.Single().Passed);
    }

    public void Dispose() => _serving.Dispose();
}
