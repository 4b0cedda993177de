namespace Maas.Functions.Auth;

/// <summary>
/// Declares what an HTTP function needs: an app role or delegated scope (<see cref="Permissions"/>). Every HTTP function
/// declares either this or <see cref="Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute"/>; the authentication
/// middleware enforces it before the function body runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresPermissionAttribute(string permission) : Attribute
{
    public string Permission { get; } = permission;
}
