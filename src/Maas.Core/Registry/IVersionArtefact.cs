using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// Something a capability derives from a Ready version when it registers, after its evaluation, and stores with it
/// (drift's baseline is one). Registration calls every one in turn and writes the row they return; each stores its
/// documents through <see cref="VersionArtefacts.StoreDocumentAsync"/> first, so the row never points at a document
/// that is not there.
/// </summary>
public interface IVersionArtefact
{
    /// <summary>
    /// The version with what this artefact recorded on it, or <paramref name="ready"/> itself when the version's
    /// config.json does not ask for it. Only storage failures and <paramref name="cancellationToken"/> throw.
    /// </summary>
    Task<ModelVersionRecord> BuildAsync(VersionArtefacts store, VersionArtefactSource ready, CancellationToken cancellationToken);
}

/// <summary>A Ready version being registered: its row so far, its copied folder, its inspection and the models container.</summary>
public sealed record VersionArtefactSource(ModelVersionRecord Version, ModelFolder Folder, ModelInspection Inspection, Azure.Storage.Blobs.BlobContainerClient Container);
