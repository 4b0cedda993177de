namespace Maas.Functions.Auth;

/// <summary>The app roles (client credentials) and delegated scopes the API defines in its Entra ID app registration.</summary>
public static class Permissions
{
    /// <summary>Run predictions: V2 infer and the simple predict API.</summary>
    public const string Predict = "Models.Predict";

    /// <summary>Read metadata, lists, readiness of a model, the repository index and metrics.</summary>
    public const string Read = "Models.Read";
}
