using System.Text.Json;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Functions.Functions;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Tests.Functions;

[Collection(UsesAzurite.Name)]
public sealed class ModelIndexTests : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly ServingHarness _serving;
    private readonly RegistryHarness _registry;
    private readonly string _name = RegistryHarness.NewModelName();

    public ModelIndexTests(AzuriteFixture azurite)
    {
        _serving = new ServingHarness(azurite);
        _registry = _serving.Registry;
    }

    private ModelIndex Management => new(_serving.Catalog);

    [Fact]
    public async Task GetModel_AfterAPrediction_ShowsTheProviderItRunsOn()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        using var before = await ReadAsync(await Management.GetModel(Request(), _name));
        using (await _serving.PredictAsync(_name, """{"input":[[1,2,3,4]]}"""))
        {
        }

        using var after = await ReadAsync(await Management.GetModel(Request(), _name));

        Assert.Equal(JsonValueKind.Null, before.RootElement.GetProperty("versions")[0].GetProperty("loadedOn").ValueKind);
        var version = after.RootElement.GetProperty("versions")[0];
        Assert.Equal("cpu", version.GetProperty("executionProvider").GetString());
        Assert.Equal(SessionLoader.CpuProvider, version.GetProperty("loadedOn").GetString());
    }

    [Fact]
    public async Task GetModel_ReadyAndFailedVersions_ListsBothWithSignatureAndDefault()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Corrupt());

        using var json = await ReadAsync(await Management.GetModel(Request(), _name));

        var root = json.RootElement;
        Assert.Equal(_name, root.GetProperty("name").GetString());
        Assert.Equal(1, root.GetProperty("defaultVersion").GetInt64());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("Ready").GetInt32());
        Assert.Equal(1, root.GetProperty("counts").GetProperty("Failed").GetInt32());
        var versions = root.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([2L, 1L], versions.Select(v => v.GetProperty("version").GetInt64()));
        Assert.Equal("Failed", versions[0].GetProperty("status").GetString());
        var input = versions[1].GetProperty("inputs")[0];
        Assert.Equal(("tensor", "float"), (input.GetProperty("kind").GetString(), input.GetProperty("elementType").GetString()));
        Assert.Equal(64, versions[1].GetProperty("sha256").GetString()!.Length);
    }

    [Fact]
    public async Task ListModels_TwoModels_SummarisesEach()
    {
        var other = RegistryHarness.NewModelName();
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.UploadAndRegisterAsync($"{other}/4/model.onnx", TestModels.Linear());

        using var json = await ReadAsync(await Management.ListModels(Request()));

        var models = json.RootElement.EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(4, models[other].GetProperty("defaultVersion").GetInt64());
        Assert.Equal(JsonValueKind.Null, models[_name].GetProperty("versions").ValueKind);
    }

    [Fact]
    public async Task RepositoryIndex_UsesTritonStates()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Corrupt());

        using var json = await ReadAsync(await Management.RepositoryIndex(Request()));

        var entries = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["1", "2"], entries.Select(e => e.GetProperty("version").GetString()));
        Assert.Equal(["READY", "UNAVAILABLE"], entries.Select(e => e.GetProperty("state").GetString()));
        Assert.Contains("does not load", entries[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("7")]
    [InlineData("v1")]
    public async Task GetModelVersion_UnknownModelOrVersion_IsNotFound(string version)
    {
        var error = await Assert.ThrowsAsync<MaasException>(() => Management.GetModelVersion(Request(), _name, version));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task Resolve_FailedVersion_IsNotReadyWithReason_AndRemovedAfterReconcile()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Corrupt());
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Linear());

        var failed = await Assert.ThrowsAsync<MaasException>(() => _registry.Resolver.ResolveAsync(_name, "1", CancellationToken.None));
        Assert.Equal(ErrorKind.NotReady, failed.Kind);
        Assert.Contains("does not load", failed.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _registry.Resolver.ResolveAsync(_name, null, CancellationToken.None)).Version);

        await _registry.Container.GetBlobClient($"{_name}/2/model.onnx").DeleteAsync();
        await _registry.Reconciler.RunAsync(CancellationToken.None);

        var removed = await Assert.ThrowsAsync<MaasException>(() => _registry.Resolver.ResolveAsync(_name, "2", CancellationToken.None));
        Assert.Equal(ErrorKind.NotReady, removed.Kind);
        Assert.Contains(ModelStatus.Removed.ToString(), removed.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _serving.Dispose();

    [Fact]
    public async Task GetModelEvaluations_EvaluatedVersion_ComparesMetricsAndNamesTheDefault()
    {
        await EvaluatedVersionAsync();

        using var json = await ReadAsync(await Management.GetModelEvaluations(Request(), _name));

        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("defaultVersion").GetInt64());
        Assert.Equal(0.5, root.GetProperty("metrics").GetProperty("accuracy").GetProperty("1").GetDouble());
        var version = root.GetProperty("versions")[0];
        Assert.Equal("default", version.GetProperty("promotion").GetProperty("state").GetString());
        Assert.Equal("classification", root.GetProperty("evaluation").GetProperty("task").GetString());
    }

    [Fact]
    public async Task GetModelVersionEvaluation_EvaluatedVersion_ReturnsTheStoredReportAsJson()
    {
        await EvaluatedVersionAsync();

        var result = Assert.IsType<FileContentResult>(await Management.GetModelVersionEvaluation(Request(), _name, "1"));

        Assert.Equal("application/json", result.ContentType);
        using var report = JsonDocument.Parse(result.FileContents);
        Assert.Equal(2, report.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal([[1, 0], [1, 0]], report.RootElement.GetProperty("details").GetProperty("confusionMatrix").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetInt32()).ToArray()));
    }

    [Fact]
    public async Task GetModelVersionEvaluation_ModelWithoutEvaluation_IsNotFoundSayingWhy()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());

        var error = await Assert.ThrowsAsync<MaasException>(() => Management.GetModelVersionEvaluation(Request(), _name, "1"));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
        Assert.Equal($"Model '{_name}' version 1 has no evaluation report: config.json of the model has no evaluation.", error.Message);
    }

    /// <summary>Version 1 of the argmax classifier, evaluated on two rows both predicted as class 0, one of them wrongly.</summary>
    private async Task EvaluatedVersionAsync()
    {
        await _registry.UploadAsync($"{_name}/config.json", System.Text.Encoding.UTF8.GetBytes("""{"evaluation": {"task": "classification", "output": "label"}}"""));
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.ArgMaxClassifier(classes: 2));
        await _registry.UploadAndRegisterAsync($"{_name}/1/evaluation.jsonl", System.Text.Encoding.UTF8.GetBytes("""{"inputs": {"x": [[0.9, 0.1], [0.8, 0.2]]}, "expected": {"label": [0, 1]}}"""));
    }

    private static HttpRequest Request() => new DefaultHttpContext().Request;

    private static Task<JsonDocument> ReadAsync(IActionResult result)
        => Task.FromResult(JsonDocument.Parse(JsonSerializer.Serialize(Assert.IsType<OkObjectResult>(result).Value, Web)));
}
