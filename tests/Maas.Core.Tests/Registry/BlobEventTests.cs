using Maas.Core.Registry;

namespace Maas.Core.Tests.Registry;

/// <summary>Event Grid storage events as a queue delivers them.</summary>
public sealed class BlobEventTests
{
    [Fact]
    public void TryParse_BlobDeletedEvent_NamesContainerAndBlob()
    {
        var message = """{"id":"1","eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/containers/models/blobs/fraud/2/model.onnx","data":{"url":"https://st.blob.core.windows.net/models/fraud/2/model.onnx"},"dataVersion":"","metadataVersion":"1","eventTime":"2026-11-29T12:00:00Z"}""";

        Assert.Equal(new BlobEvent(BlobEvent.BlobDeleted, "models", "fraud/2/model.onnx"), BlobEvent.TryParse(message));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobDeleted"}""")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/tables/x"}""")]
    [InlineData("[]")]
    public void TryParse_NotABlobEvent_IsNull(string message)
    {
        Assert.Null(BlobEvent.TryParse(message));
    }
}
