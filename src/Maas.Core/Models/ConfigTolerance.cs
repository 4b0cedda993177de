using System.Text.Json;

namespace Maas.Core.Models;

/// <summary>
/// A config.json <c>tolerance</c> object, <c>{"absolute": a, "relative": r}</c> (a, r ≥ 0, either left out keeps its
/// value): how far a number may be from the expected one and still agree, as evaluation and rollouts compare outputs.
/// </summary>
internal static class ConfigTolerance
{
    /// <summary>The tolerance <paramref name="value"/> sets over <paramref name="absolute"/> and <paramref name="relative"/>; throws <see cref="FormatException"/> naming <paramref name="path"/>.</summary>
    public static (double Absolute, double Relative) Parse(JsonElement value, string path, double absolute, double relative)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"config.json field '{path}' must be {{\"absolute\": a, \"relative\": r}} with a, r >= 0.");
        }

        foreach (var field in value.EnumerateObject())
        {
            var number = ConfigNumber.NotNegative(field.Value, $"{path}.{field.Name}");
            (absolute, relative) = field.Name switch
            {
                "absolute" => (number, relative),
                "relative" => (absolute, number),
                _ => throw new FormatException($"config.json field '{path}.{field.Name}' is unknown; expected absolute or relative."),
            };
        }

        return (absolute, relative);
    }
}
