using System.Text.Json;

namespace Maas.Core.Registry;

/// <summary>
/// One Event Grid storage event as Event Grid delivers it to a storage queue (Event Grid schema, JSON): its type and
/// the blob it concerns, read from the subject <c>/blobServices/default/containers/&lt;container&gt;/blobs/&lt;name&gt;</c>.
/// </summary>
public sealed record BlobEvent(string EventType, string Container, string BlobName)
{
    public const string BlobDeleted = "Microsoft.Storage.BlobDeleted";

    private const string ContainersSegment = "/containers/";
    private const string BlobsSegment = "/blobs/";

    /// <summary>The event in <paramref name="message"/>; null when it is not a storage blob event (logged by the caller).</summary>
    public static BlobEvent? TryParse(string message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1)
            {
                root = root[0];
            }

            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("eventType", out var type) || type.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("subject", out var subject) || subject.GetString() is not { } text)
            {
                return null;
            }

            var containerAt = text.IndexOf(ContainersSegment, StringComparison.Ordinal);
            var blobsAt = text.IndexOf(BlobsSegment, StringComparison.Ordinal);
            return containerAt < 0 || blobsAt < containerAt
                ? null
                : new BlobEvent(type.GetString()!, text[(containerAt + ContainersSegment.Length)..blobsAt], text[(blobsAt + BlobsSegment.Length)..]);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
