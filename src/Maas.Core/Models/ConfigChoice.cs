using System.Text.Json;

namespace Maas.Core.Models;

/// <summary>
/// A config.json field that names one of a fixed set of choices (<c>"cpu"</c>, <c>"classification"</c>, …), parsed with
/// the same two messages everywhere: one for a value that is not a string, one naming the value given and the choices.
/// </summary>
internal static class ConfigChoice
{
    /// <summary>The choice <paramref name="value"/> names; throws <see cref="FormatException"/> naming <paramref name="path"/>.</summary>
    public static T Parse<T>(JsonElement value, string path, params ReadOnlySpan<(string Name, T Value)> choices)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString();
            foreach (var (name, choice) in choices)
            {
                if (name == text)
                {
                    return choice;
                }
            }

            throw new FormatException($"config.json field '{path}' is '{text}'; expected {Listed(choices, quoted: false)}.");
        }

        throw new FormatException($"config.json field '{path}' must be {(choices.Length > 2 ? "one of " : string.Empty)}{Listed(choices, quoted: true)}.");
    }

    /// <summary><c>a, b or c</c>; quoted, as JSON strings: <c>"a" or "b"</c>, or <c>"a", "b", "c"</c> for more than two.</summary>
    private static string Listed<T>(ReadOnlySpan<(string Name, T Value)> choices, bool quoted)
    {
        var names = new List<string>(choices.Length);
        foreach (var (name, _) in choices)
        {
            names.Add(quoted ? $"\"{name}\"" : name);
        }

        return quoted && names.Count > 2
            ? string.Join(", ", names)
            : string.Join(", ", names[..^1]) + " or " + names[^1];
    }
}
