namespace Maas.Functions.Auth;

/// <summary>How HTTP calls are authenticated: Microsoft Entra ID bearer tokens, or not at all (local development only).</summary>
public enum AuthMode
{
    EntraId,
    Disabled,
}
