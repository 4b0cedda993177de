using System.Text.Json;

namespace Maas.Core.Models;

/// <summary>
/// config.json numbers that share a rule, parsed with the same message everywhere: a fraction (sample rates, agreement,
/// error rates) or a finite number that is not negative (tolerances, limits).
/// </summary>
internal static class ConfigNumber
{
    /// <summary>A number from 0 to 1; throws <see cref="FormatException"/> naming <paramref name="path"/>.</summary>
    public static double Fraction(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= 0 and <= 1 and var fraction
            ? fraction
            : throw new FormatException($"config.json field '{path}' must be a number from 0 to 1.");

    /// <summary>A finite number &gt;= 0; throws <see cref="FormatException"/> naming <paramref name="path"/>.</summary>
    public static double NotNegative(JsonElement value, string path)
        => value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= 0 and var number && double.IsFinite(number)
            ? number
            : throw new FormatException($"config.json field '{path}' must be a number >= 0.");
}
