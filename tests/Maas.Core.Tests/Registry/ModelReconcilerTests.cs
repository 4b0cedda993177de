using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;

namespace Maas.Core.Tests.Registry;

[Collection(UsesAzurite.Name)]
public sealed class ModelReconcilerTests(AzuriteFixture azurite)
{
    private readonly RegistryHarness _registry = new(azurite);
    private readonly string _name = RegistryHarness.NewModelName();

    [Fact]
    public async Task Run_BlobTheTriggerMissed_IsRegistered()
    {
        await _registry.UploadAsync($"{_name}/5/model.onnx", TestModels.Linear());

        var result = await _registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(new ReconcileResult(Registered: 1, Removed: 0), result);
        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(_name, 5))!.Status);
    }

    [Fact]
    public async Task Run_RowWrittenBeforeSignaturesWereTyped_IsRegisteredAgainWithATypedSignature()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        var entity = (await _registry.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>(_name, "0000000001")).Value;
        entity.Remove("SignatureFormat");
        entity["Inputs"] = """[{"name":"x","datatype":"FP32","shape":[-1,4]}]""";
        await _registry.Table.UpdateEntityAsync(entity, entity.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
        Assert.Empty((await _registry.RowAsync(_name, 1))!.Inputs);

        var result = await _registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(1, result.Registered);
        var input = Assert.Single((await _registry.RowAsync(_name, 1))!.Inputs);
        Assert.Equal(TensorSignature.Tensor("x", Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, -1, 4).Describe(), input.Describe());
    }

    [Fact]
    public async Task Run_DeletedVersionFolder_MarksRowRemovedAndKeepsOthers()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.UploadAndRegisterAsync($"{_name}/2/model.onnx", TestModels.Linear());
        await _registry.Container.GetBlobClient($"{_name}/1/model.onnx").DeleteAsync();

        var result = await _registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(1, result.Removed);
        var removed = await _registry.RowAsync(_name, 1);
        Assert.Equal(ModelStatus.Removed, removed!.Status);
        Assert.Equal(ModelReconciler.RemovedReason, removed.Reason);
        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(_name, 2))!.Status);
    }

    [Fact]
    public async Task Run_Twice_ChangesNothingTheSecondTime()
    {
        await _registry.UploadAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.Reconciler.RunAsync(CancellationToken.None);

        var second = await _registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(new ReconcileResult(0, 0), second);
        Assert.Equal(1, await _registry.RowCountAsync());
    }

    [Fact]
    public async Task Run_RemovedModelUploadedAgain_IsReadyAgain()
    {
        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());
        await _registry.Container.GetBlobClient($"{_name}/1/model.onnx").DeleteAsync();
        await _registry.Reconciler.RunAsync(CancellationToken.None);

        await _registry.UploadAndRegisterAsync($"{_name}/1/model.onnx", TestModels.Linear());

        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(_name, 1))!.Status);
    }
}
