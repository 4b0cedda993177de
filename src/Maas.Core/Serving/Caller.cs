namespace Maas.Core.Serving;

/// <summary>
/// Who is calling, as the transport authenticated them: the client application id (<c>azp</c>/<c>appid</c>), the
/// object id (<c>oid</c>) and the app roles and delegated scopes the token grants. Tokens themselves never reach Core.
/// </summary>
public sealed record Caller(string AppId, string? ObjectId, IReadOnlySet<string> Roles, IReadOnlySet<string> Scopes)
{
    /// <summary>A caller nobody authenticated: no roles, no scopes.</summary>
    public static Caller Anonymous { get; } = new("anonymous", null, new HashSet<string>(), new HashSet<string>());

    /// <summary>Every call while <c>Auth:Mode</c> is <c>Disabled</c> (local development): model role requirements are not enforced.</summary>
    public static Caller AuthDisabled { get; } = new("auth-disabled", null, new HashSet<string>(), new HashSet<string>()) { IsAuthDisabled = true };

    /// <summary>A caller the service itself vouches for (a batch file an operator dropped into storage): model role requirements are not enforced.</summary>
    public static Caller Trusted(string appId) => new(appId, null, new HashSet<string>(), new HashSet<string>()) { IsAuthDisabled = true };

    public bool IsAuthDisabled { get; private init; }

    /// <summary>True when an app role or a delegated scope grants <paramref name="permission"/>.</summary>
    public bool Has(string permission) => IsAuthDisabled || Roles.Contains(permission) || Scopes.Contains(permission);
}
