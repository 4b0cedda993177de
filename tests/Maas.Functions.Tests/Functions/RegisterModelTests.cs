using Maas.Core.Registry;
using Maas.Functions.Functions;
using Maas.TestKit.Azurite;
using Maas.TestKit.Logging;
using Maas.TestKit.Onnx;
using Microsoft.Extensions.Logging;

namespace Maas.Functions.Tests.Functions;

[Collection(UsesAzurite.Name)]
public sealed class RegisterModelTests(AzuriteFixture azurite)
{
    private readonly LogRecorder _logs = new();

    [Theory]
    [InlineData("Fraud/3/model.onnx", ModelBlobPath.NameRule)]
    [InlineData("fraud/v3/model.onnx", ModelBlobPath.VersionRule)]
    [InlineData("fraud/model.onnx", ModelBlobPath.LayoutRule)]
    public async Task Run_BlobAtBadPath_IsIgnoredWithOneWarningNamingPathAndRule(string path, string rule)
    {
        var blob = await UploadAsync(path);

        await new RegisterModel(new ModelRegistrar(_logs.CreateLogger<ModelRegistrar>())).Run(blob, path, CancellationToken.None);

        var warning = Assert.Single(_logs.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Equal(path, warning.Values["BlobPath"]);
        Assert.Equal(rule, warning.Values["Rule"]);
    }

    [Fact]
    public async Task Run_BlobAtValidPath_IsReceivedWithoutWarning()
    {
        const string path = "fraud/3/model.onnx";
        var blob = await UploadAsync(path);

        await new RegisterModel(new ModelRegistrar(_logs.CreateLogger<ModelRegistrar>())).Run(blob, path, CancellationToken.None);

        Assert.DoesNotContain(_logs.Entries, entry => entry.Level >= LogLevel.Warning);
    }

    private async Task<Azure.Storage.Blobs.BlobClient> UploadAsync(string path)
    {
        var container = azurite.BlobService.GetBlobContainerClient(AzuriteFixture.UniqueName("models"));
        await container.CreateAsync();
        var blob = container.GetBlobClient(path);
        await blob.UploadAsync(BinaryData.FromBytes(TestModels.Linear()));
        return blob;
    }
}
