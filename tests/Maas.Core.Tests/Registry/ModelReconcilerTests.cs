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
