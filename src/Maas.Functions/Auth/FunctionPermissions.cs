using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Auth;

/// <summary>
/// What each function of this app declares: a permission, anonymous, or nothing (then it is not an HTTP function we
/// serve). The attributes are read once, when the class is first used, not on every invocation.
/// </summary>
internal static class FunctionPermissions
{
    private static readonly Dictionary<string, (bool Anonymous, string? Permission, bool Metered)> Functions = typeof(FunctionPermissions).Assembly.GetTypes()
        .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
        .Select(method => (Method: method, Function: method.GetCustomAttribute<FunctionAttribute>()))
        .Where(pair => pair.Function is not null)
        .ToDictionary(
            pair => pair.Function!.Name,
            pair => (
                pair.Method.GetCustomAttribute<AllowAnonymousAttribute>() is not null,
                pair.Method.GetCustomAttribute<RequiresPermissionAttribute>() is { } required ? required.Permission : null,
                pair.Method.GetCustomAttribute<RequiresPermissionAttribute>() is { Metered: true }),
            StringComparer.Ordinal);

    /// <summary>The names of every function in the app.</summary>
    public static IEnumerable<string> Names => Functions.Keys;

    public static bool IsAnonymous(string functionName) => Declared(functionName).Anonymous;

    /// <summary>The permission the function requires, or null when it declares none.</summary>
    public static string? RequiredBy(string functionName) => Declared(functionName).Permission;

    /// <summary>Whether the function is a prediction call, recorded for monitoring: it needs <see cref="Permissions.Predict"/> and is not the Batch API (whose lines are recorded as they run).</summary>
    public static bool IsPrediction(string functionName) => Declared(functionName) is { Permission: Permissions.Predict, Metered: true };

    private static (bool Anonymous, string? Permission, bool Metered) Declared(string functionName)
        => Functions.TryGetValue(functionName, out var declared)
            ? declared
            : throw new InvalidOperationException($"No function named '{functionName}' in this app.");
}
