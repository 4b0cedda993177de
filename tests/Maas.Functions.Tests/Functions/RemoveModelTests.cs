using Maas.Core.Models;
using Maas.Core.Registry;
using Maas.Functions.Functions;
using Maas.TestKit.Azurite;
using Maas.TestKit.Logging;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Tests.Functions;

/// <summary>BlobDeleted events as Event Grid queues them, handed to the function as the host's queue trigger would.</summary>
[Collection(UsesAzurite.Name)]
public sealed class RemoveModelTests(AzuriteFixture azurite)
{
    private readonly RegistryHarness _registry = new(azurite);

    [Fact]
    public async Task Run_GraphDeleted_MarksTheVersionRemovedAtOnce()
    {
        var name = await RegisteredAsync();
        await _registry.Container.GetBlobClient($"{name}/1/model.onnx").DeleteAsync();

        await Function().Run(Deleted(_registry.Options.ContainerName, $"{name}/1/model.onnx"), CancellationToken.None);

        var row = (await _registry.RowAsync(name, 1))!;
        Assert.Equal(ModelStatus.Removed, row.Status);
        Assert.Equal(VersionRemoval.DeletedReason, row.Reason);
    }

    [Fact]
    public async Task Run_GraphUploadedAgainBeforeTheEventArrived_KeepsTheVersion()
    {
        var name = await RegisteredAsync();
        await _registry.Container.GetBlobClient($"{name}/1/model.onnx").DeleteAsync();
        await _registry.UploadAsync($"{name}/1/model.onnx", TestModels.Linear());

        await Function().Run(Deleted(_registry.Options.ContainerName, $"{name}/1/model.onnx"), CancellationToken.None);

        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(name, 1))!.Status);
    }

    [Theory]
    [InlineData("other-container")]
    [InlineData(null)]
    public async Task Run_NotADeletionOfTheModelsContainer_ChangesNothing(string? container)
    {
        var name = await RegisteredAsync();
        await _registry.Container.GetBlobClient($"{name}/1/model.onnx").DeleteAsync();
        var message = container is null ? "{\"eventType\":\"Microsoft.Storage.BlobCreated\"}" : Deleted(container, $"{name}/1/model.onnx");

        await Function().Run(message, CancellationToken.None);

        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(name, 1))!.Status);
    }

    private RemoveModel Function()
        => new(_registry.Removal, azurite.BlobService, Options.Create(_registry.Options), new LogRecorder().CreateLogger<RemoveModel>());

    private async Task<string> RegisteredAsync()
    {
        var name = RegistryHarness.NewModelName();
        await _registry.UploadAndRegisterAsync($"{name}/1/model.onnx", TestModels.Linear());
        return name;
    }

    private static string Deleted(string container, string blob)
        => $$"""[{"id":"e1","eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/containers/{{container}}/blobs/{{blob}}","data":{"api":"DeleteBlob"},"dataVersion":"","metadataVersion":"1","eventTime":"2026-11-29T12:00:00Z"}]""";
}
