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

    /// <summary>
    /// Whether a call of a <see cref="Permissions.Predict"/> function is a prediction, recorded for monitoring (true
    /// unless set false: the Batch API's own calls are not predictions; the lines of its batches are recorded as they run).
    /// </summary>
    public bool Metered { get; set; } = true;
}
