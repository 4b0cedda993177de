using Maas.Core.Models;
using Maas.Functions.Functions;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;

namespace Maas.Functions.Tests.Functions;

[Collection(UsesAzurite.Name)]
public sealed class RegisterModelTests(AzuriteFixture azurite)
{
    private readonly RegistryHarness _registry = new(azurite);

    [Fact]
    public async Task Run_GraphUploaded_RegistersTheVersionFromTheBindingValues()
    {
        var name = RegistryHarness.NewModelName();
        var path = $"{name}/3/model.onnx";
        var blob = await _registry.UploadAsync(path, TestModels.Linear());

        // The host passes the BlobClient and the {path} binding value: the blob name inside the container.
        await new RegisterModel(_registry.Registrar).Run(blob, path, CancellationToken.None);

        Assert.Equal(ModelStatus.Ready, (await _registry.RowAsync(name, 3))!.Status);
    }
}
