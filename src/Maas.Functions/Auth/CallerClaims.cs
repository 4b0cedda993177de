using System.Security.Claims;
using Maas.Core.Serving;

namespace Maas.Functions.Auth;

/// <summary>Reads the caller from a validated Entra ID token's claims (v1 and v2 tokens; mapped or raw claim types).</summary>
internal static class CallerClaims
{
    private const string ScopeClaimUri = "http://schemas.microsoft.com/identity/claims/scope";
    private const string ObjectIdClaimUri = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static Caller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var appId = principal.FindFirst("azp")?.Value ?? principal.FindFirst("appid")?.Value ?? "unknown";
        var objectId = principal.FindFirst("oid")?.Value ?? principal.FindFirst(ObjectIdClaimUri)?.Value;
        var roles = principal.FindAll("roles").Concat(principal.FindAll(ClaimTypes.Role)).Select(claim => claim.Value).ToHashSet(StringComparer.Ordinal);
        var scopes = principal.FindAll("scp").Concat(principal.FindAll(ScopeClaimUri))
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);
        return new Caller(appId, objectId, roles, scopes);
    }
}
