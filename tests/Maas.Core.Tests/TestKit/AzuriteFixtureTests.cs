using Azure.Data.Tables;
using Maas.TestKit.Azurite;

namespace Maas.Core.Tests.TestKit;

[Collection(UsesAzurite.Name)]
public sealed class AzuriteFixtureTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Fixture_BlobAndTable_RoundTripThroughRealAzurite()
    {
        var container = azurite.BlobService.GetBlobContainerClient(AzuriteFixture.UniqueName("roundtrip"));
        await container.CreateAsync();
        await container.GetBlobClient("a/1/model.onnx").UploadAsync(BinaryData.FromBytes([1, 2, 3]));
        var table = azurite.TableService.GetTableClient(AzuriteFixture.UniqueName("roundtrip"));
        await table.CreateAsync();
        await table.AddEntityAsync(new TableEntity("a", "0000000001") { ["Status"] = "Ready" });

        var downloaded = await container.GetBlobClient("a/1/model.onnx").DownloadContentAsync();
        var row = await table.GetEntityAsync<TableEntity>("a", "0000000001");

        Assert.Equal([1, 2, 3], downloaded.Value.Content.ToArray());
        Assert.Equal("Ready", row.Value.GetString("Status"));
    }
}
