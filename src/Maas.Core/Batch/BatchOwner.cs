using System.Security.Cryptography;
using System.Text;
using Maas.Core.Serving;

namespace Maas.Core.Batch;

/// <summary>
/// The key batches and files are kept under for their owner: the caller's Entra object id (<c>oid</c>), or its client
/// application id (<c>azp</c>) when the token has none. It is a hash, so table keys and blob metadata hold no identity
/// and no character a key may not hold.
/// </summary>
public static class BatchOwner
{
    private const int KeyLength = 32;

    public static string KeyOf(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return KeyOf(caller.AppId, caller.ObjectId);
    }

    public static string KeyOf(BatchCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return KeyOf(caller.AppId, caller.ObjectId);
    }

    /// <summary>The caller as a batch keeps it, to run its lines later with the same app roles.</summary>
    public static BatchCaller Keep(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new BatchCaller(caller.AppId, caller.ObjectId, [.. caller.Roles.Order(StringComparer.Ordinal)], [.. caller.Scopes.Order(StringComparer.Ordinal)], caller.IsAuthDisabled);
    }

    /// <summary>The caller a batch's lines run as.</summary>
    public static Caller Restore(BatchCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.AuthDisabled
            ? Caller.Trusted(caller.AppId)
            : new Caller(caller.AppId, caller.ObjectId, caller.Roles.ToHashSet(StringComparer.Ordinal), caller.Scopes.ToHashSet(StringComparer.Ordinal));
    }

    private static string KeyOf(string appId, string? objectId)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(objectId is { Length: > 0 } ? "oid:" + objectId : "app:" + appId)))[..KeyLength];
}
