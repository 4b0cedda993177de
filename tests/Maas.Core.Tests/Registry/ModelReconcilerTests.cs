using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Storage;

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

    /// <summary>
    /// The defect seen on a real host: a version registered by the trigger while reconciliation ran was marked Removed
    /// although its blob was there. Here the upload and its registration happen right after reconciliation's listing.
    /// </summary>
    [Fact]
    public async Task Run_VersionRegisteredDuringTheRun_IsNeverMarkedRemoved()
    {
        var observer = new StorageRequestObserver();
        var registry = new RegistryHarness(azurite, blobFaults: observer);
        var name = RegistryHarness.NewModelName();
        await registry.UploadAndRegisterAsync($"{name}/1/model.onnx", TestModels.Linear());
        observer.Then = () => registry.UploadAndRegisterAsync($"{name}/2/model.onnx", TestModels.Linear());
        observer.After = StorageRequestObserver.IsListing;

        var result = await registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(0, result.Removed);
        Assert.Equal(ModelStatus.Ready, (await registry.RowAsync(name, 2))!.Status);
        Assert.Equal(ModelStatus.Ready, (await registry.RowAsync(name, 1))!.Status);
    }

    [Fact]
    public async Task Run_NothingChanged_IsOneListingAndOneQueryWhateverTheNumberOfVersions()
    {
        var blobRequests = new StorageRequestObserver();
        var tableRequests = new StorageRequestObserver();
        var registry = new RegistryHarness(azurite, tableFaults: tableRequests, blobFaults: blobRequests);
        var name = RegistryHarness.NewModelName();
        await registry.UploadAsync($"{name}/config.json", "{}"u8.ToArray());
        for (var version = 1; version <= 6; version++)
        {
            await registry.UploadAsync($"{name}/{version}/model.onnx", TestModels.Linear());
        }

        var first = await registry.Reconciler.RunAsync(CancellationToken.None);
        blobRequests.Reset();
        tableRequests.Reset();
        var second = await registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(new ReconcileResult(6, 0), first);
        Assert.Equal(new ReconcileResult(0, 0), second);
        Assert.Equal(2, blobRequests.Requests); // the container's existence check, and the listing
        Assert.Equal(1, tableRequests.Requests); // the snapshot query
    }

    [Fact]
    public async Task Run_ChangedConfigOrExternalData_RegistersOnlyTheVersionsItConcerns()
    {
        var name = RegistryHarness.NewModelName();
        var other = RegistryHarness.NewModelName();
        await _registry.UploadAsync($"{name}/1/model.onnx", TestModels.Linear());
        await _registry.UploadAsync($"{name}/2/model.onnx", TestModels.Linear());
        await _registry.UploadAsync($"{other}/1/model.onnx", TestModels.Linear());
        await _registry.Reconciler.RunAsync(CancellationToken.None);

        await _registry.UploadAsync($"{name}/config.json", """{"description":"changed"}"""u8.ToArray());
        var afterConfig = await _registry.Reconciler.RunAsync(CancellationToken.None);
        await _registry.UploadAsync($"{other}/1/notes/readme.txt", "x"u8.ToArray());
        var afterFile = await _registry.Reconciler.RunAsync(CancellationToken.None);

        Assert.Equal(2, afterConfig.Registered);
        Assert.Equal("changed", (await _registry.RowAsync(name, 2))!.Config.Description);
        Assert.Equal(1, afterFile.Registered);
        Assert.Equal(new ReconcileResult(0, 0), await _registry.Reconciler.RunAsync(CancellationToken.None));
    }
}
