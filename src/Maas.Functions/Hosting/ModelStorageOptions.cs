namespace Maas.Functions.Hosting;

/// <summary>
/// The app's own storage connection (models container, registry and metrics tables), named <c>ModelStorage</c>
/// the way the Functions host names connections: either a connection string in <c>ModelStorage</c>
/// (Azurite locally) or identity-based <c>ModelStorage__blobServiceUri</c> + <c>ModelStorage__tableServiceUri</c>
/// (+ <c>ModelStorage__clientId</c> for a user-assigned identity) in Azure.
/// </summary>
internal sealed class ModelStorageOptions
{
    /// <summary>The connection name the blob trigger and the app's own clients share.</summary>
    public const string ConnectionName = "ModelStorage";

    public string? ConnectionString { get; set; }

    public Uri? BlobServiceUri { get; set; }

    public Uri? TableServiceUri { get; set; }

    /// <summary>Identity-based queue endpoint: read by the host for <c>RemoveModel</c>'s queue trigger, not by the app's own clients.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Client id of the user-assigned managed identity; empty uses the default Azure credential chain.</summary>
    public string? ClientId { get; set; }

    /// <summary>Set by the Functions host convention (<c>managedidentity</c>); accepted and otherwise unused.</summary>
    public string? Credential { get; set; }

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    public bool UsesIdentity => BlobServiceUri is not null && TableServiceUri is not null;
}
