using System.Text.Json;
using Maas.Core.Errors;
using Maas.Functions.Functions;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Tests.Functions;

[Collection(UsesAzurite.Name)]
public sealed class ModelMetadataTests(AzuriteFixture azurite) : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly ServingHarness _serving = new(azurite);

    private ModelMetadata Function => new(_serving.Catalog);

    [Fact]
    public async Task Run_TwoReadyVersions_ListsBothWithTheDefaultsSignature()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.AddVersionAsync(name, TestModels.Linear(), version: 2);

        using var json = Read(await Function.Run(new DefaultHttpContext().Request, name));

        var root = json.RootElement;
        Assert.Equal(name, root.GetProperty("name").GetString());
        Assert.Equal(["2", "1"], root.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("onnx_onnxv1", root.GetProperty("platform").GetString());
        var input = root.GetProperty("inputs")[0];
        Assert.Equal("x", input.GetProperty("name").GetString());
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 4L], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task ModelVersionReady_ReadyVersion_LoadsTheSessionAndAnswersReady()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());

        using var json = Read(await Function.ModelVersionReady(new DefaultHttpContext().Request, name, "1"));

        Assert.True(json.RootElement.GetProperty("ready").GetBoolean());
        Assert.Equal(1, _serving.LoadCount(name));
    }

    [Fact]
    public async Task ModelReady_FailedOnlyVersion_IsConflict()
    {
        var name = Maas.TestKit.Registry.RegistryHarness.NewModelName();
        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/model.onnx", TestModels.Corrupt());

        var error = await Assert.ThrowsAsync<MaasException>(() => Function.ModelReady(new DefaultHttpContext().Request, name));

        Assert.Equal(ErrorKind.NotReady, error.Kind);
    }

    public void Dispose() => _serving.Dispose();

    private static JsonDocument Read(IActionResult result) => JsonDocument.Parse(JsonSerializer.Serialize(Assert.IsType<OkObjectResult>(result).Value, Web));
}
