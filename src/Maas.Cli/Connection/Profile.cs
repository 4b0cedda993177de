using System.Text.Json;

namespace Maas.Cli.Connection;

/// <summary>
/// What <c>maas login</c> saves in <c>~/.maas/config.json</c>: where the API and the models container are, and which
/// Entra ID app guards the API. Never a secret: account keys and SAS tokens are refused.
/// </summary>
public sealed record Profile
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The app's base URL, e.g. <c>https://maas-func.azurewebsites.net</c>.</summary>
    public string? Api { get; init; }

    /// <summary>A blob service URI (signed in with Entra ID) or <c>UseDevelopmentStorage=true</c>.</summary>
    public string? Storage { get; init; }

    public string? Container { get; init; }

    /// <summary>The API's app registration: tokens are asked for <c>api://&lt;client id&gt;/.default</c>.</summary>
    public string? ClientId { get; init; }

    public string? TenantId { get; init; }

    /// <summary>The saved profile, or an empty one when there is none.</summary>
    public static Profile Load(string path)
    {
        if (!File.Exists(path))
        {
            return new Profile();
        }

        try
        {
            return JsonSerializer.Deserialize<Profile>(File.ReadAllText(path), Json) ?? new Profile();
        }
        catch (JsonException error)
        {
            throw new CliException($"The profile {path} is not valid JSON ({error.Message}); fix it or run `maas login` again.");
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
    }

    /// <summary>True for a connection string that carries a secret (an account key or a SAS token).</summary>
    public static bool HasSecret(string storage)
        => storage.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase) || storage.Contains("SharedAccessSignature=", StringComparison.OrdinalIgnoreCase)
            || storage.Contains("sig=", StringComparison.OrdinalIgnoreCase);
}
