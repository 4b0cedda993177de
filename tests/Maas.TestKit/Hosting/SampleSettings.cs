using System.Text.Json;

namespace Maas.TestKit.Hosting;

/// <summary>
/// The settings a new user starts with: the <c>Values</c> of <c>local.settings.sample.json</c>. Tests start from
/// these (so the sample is proven valid) and override what they need, e.g. the Azurite connection.
/// </summary>
public static class SampleSettings
{
    public const string FileName = "local.settings.sample.json";

    public static Dictionary<string, string?> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Combine(FileName)));
        return document.RootElement.GetProperty("Values")
            .EnumerateObject()
            .ToDictionary(property => property.Name, property => (string?)property.Value.GetString(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The sample settings with <paramref name="overrides"/> applied (a null value removes the setting).</summary>
    public static Dictionary<string, string?> With(params (string Key, string? Value)[] overrides)
    {
        var settings = Load();
        foreach (var (key, value) in overrides)
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        return settings;
    }
}
