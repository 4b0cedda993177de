using System.Text;
using System.Text.Json.Nodes;
using Maas.Core.Models;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Maas.Core.Tests.Drift;

/// <summary>
/// The drift baseline registration builds from a version's evaluation set, on Azurite with real ONNX Runtime: the
/// identity model answers what it is given, so inputs and outputs have the same, hand-computed baseline.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class EvaluationSetBaselineTests(AzuriteFixture azurite)
{
    private readonly RegistryHarness _registry = new(azurite);
    private readonly string _name = RegistryHarness.NewModelName();

    private async Task<ModelVersionRecord> DropAsync(string config, byte[]? evaluationSet)
    {
        await _registry.UploadAsync($"{_name}/config.json", Encoding.UTF8.GetBytes(config));
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Identity(DataType.Float));
        if (evaluationSet is not null)
        {
            await _registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", evaluationSet);
        }

        return (await _registry.RowAsync(_name, 1))!;
    }

    [Fact]
    public async Task Register_DriftOnTheEvaluationSet_StoresDecileBinsAndMomentsPerFeature()
    {
        var row = await DropAsync("""{"drift": {"sampleRate": 0.5}}""", EvaluationSets.TenRows());

        var summary = row.DriftBaseline!;
        Assert.Null(summary.Problem);
        Assert.Equal(10, summary.Rows);
        Assert.Equal([new DriftBaselineTensor("x", "input", "feature", 2), new DriftBaselineTensor("y", "output", "feature", 2)], summary.Tensors);
        var stored = (await _registry.Evaluations.GetBlobClient(summary.BlobPath).DownloadContentAsync()).Value.Content.ToString();
        var tensors = JsonNode.Parse(stored)!["tensors"]!.AsArray();
        var first = tensors.Single(t => (string?)t!["name"] == "x")!["features"]![0]!;
        var second = tensors.Single(t => (string?)t!["name"] == "x")!["features"]![1]!;
        // Deciles of 1…10 sit at positions 0.9k: 1.9, 2.8, …, 9.1, so each of the ten bins holds one value.
        Assert.Equal([1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1], first["edges"]!.AsArray().Select(e => (double)e!), (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(Enumerable.Repeat(1L, 10), first["histogram"]!.AsArray().Select(c => (long)c!));
        Assert.Equal((10L, 5.5, 8.25, 1.0, 10.0), ((long)first["count"]!, (double)first["mean"]!, Math.Round((double)first["variance"]!, 9), (double)first["min"]!, (double)first["max"]!));
        Assert.Equal(55, (double)second["mean"]!, 9);
        Assert.Equal("feature", (string?)tensors[0]!["granularity"]);
        Assert.Equal(first.ToJsonString(), tensors.Single(t => (string?)t!["name"] == "y")!["features"]![0]!.ToJsonString());
    }

    [Fact]
    public async Task Register_NoEvaluationSetYet_HasNoBaseline()
    {
        var row = await DropAsync("""{"drift": {"sampleRate": 1}}""", evaluationSet: null);

        Assert.Equal(ModelStatus.Ready, row.Status);
        Assert.Null(row.DriftBaseline);
    }

    [Fact]
    public async Task Register_BaselineFromLiveTraffic_BuildsNoneFromTheEvaluationSet()
    {
        var row = await DropAsync("""{"drift": {"sampleRate": 1, "baseline": {"from": "2026-11-01T00:00:00Z", "to": "2026-11-02T00:00:00Z"}}}""", EvaluationSets.TenRows());

        Assert.Null(row.DriftBaseline);
    }

    [Fact]
    public async Task Register_MalformedEvaluationSet_StaysReadyWithTheProblemAndNoBlob()
    {
        var row = await DropAsync("""{"drift": {"sampleRate": 1}}""", Encoding.UTF8.GetBytes("{\"input\": [[1, 2, 3]], \"expected\": {\"y\": [[0, 0, 0]]}}\n{\"input\": ["));

        Assert.Equal(ModelStatus.Ready, row.Status);
        Assert.StartsWith("evaluation.jsonl line 2 is not valid JSON", row.DriftBaseline!.Problem, StringComparison.Ordinal);
        Assert.Empty(row.DriftBaseline.BlobPath);
        Assert.Contains(_registry.Logs.Entries, e => e.Message.Contains("has no drift baseline: evaluation.jsonl line 2", StringComparison.Ordinal));
    }
}
