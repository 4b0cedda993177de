using System.Globalization;
using Maas.Core.Registry;

namespace Maas.Cli.Commands;

/// <summary>A command's <c>&lt;name&gt;[/&lt;version&gt;]</c> argument.</summary>
public sealed record ModelTarget(string Name, long? Version)
{
    public static ModelTarget Parse(string text, bool versionRequired = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        long version = 0;
        var valid = parts.Length is 1 or 2 && ModelBlobPath.IsValidName(parts[0]) && (parts.Length == 1 || ModelBlobPath.TryParseVersion(parts[1], out version));
        if (!valid || (versionRequired && parts.Length == 1))
        {
            throw new CliException($"'{text}' is not {(versionRequired ? "<name>/<version>" : "<name> or <name>/<version>")}: {ModelBlobPath.NameRule}; {ModelBlobPath.VersionRule}.", ExitCodes.Usage);
        }

        return new ModelTarget(parts[0], parts.Length == 2 ? version : null);
    }

    /// <summary>The API path of the model or version, e.g. <c>models/fraud/versions/3</c>.</summary>
    public string Path(string prefix = "models") => Version is { } v
        ? string.Create(CultureInfo.InvariantCulture, $"{prefix}/{Name}/versions/{v}")
        : $"{prefix}/{Name}";

    /// <summary>
    /// The path and query of a monitoring read (<c>metrics</c>, <c>drift</c>) of the model since <paramref name="from"/>,
    /// of its version when one is named: <c>models/fraud/drift?from=…&amp;version=3</c>.
    /// </summary>
    /// <param name="arguments">Further query arguments, already escaped, e.g. <c>grain=hour</c>.</param>
    public string MonitoringQuery(string report, DateTimeOffset from, string? arguments = null)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"models/{Name}/{report}?{(arguments is null ? string.Empty : arguments + "&")}from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}");
        return Version is { } version ? query + string.Create(CultureInfo.InvariantCulture, $"&version={version}") : query;
    }

    public override string ToString() => Version is { } v ? string.Create(CultureInfo.InvariantCulture, $"{Name}/{v}") : Name;
}
