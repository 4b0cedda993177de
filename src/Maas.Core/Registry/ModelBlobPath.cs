using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Maas.Core.Models;

namespace Maas.Core.Registry;

/// <summary>
/// A blob name inside the models container, parsed by the repository rules:
/// <c>&lt;name&gt;/config.json</c> or <c>&lt;name&gt;/&lt;version&gt;/&lt;file&gt;</c>.
/// </summary>
public sealed partial record ModelBlobPath(string ModelName, long? Version, string FileName)
{
    public const string GraphFileName = "model.onnx";
    public const string ConfigFileName = "config.json";

    /// <summary>A version's evaluation set (a reserved name: never an external-data file, never loaded for serving).</summary>
    public const string EvaluationFileName = "evaluation.jsonl";

    /// <summary>Blob metadata of an optimised copy (models-optimized container): the SHA-256 of the model.onnx it was made from.</summary>
    public const string OptimizedSourceMetadataKey = "sourcesha256";
    public const string NameRule = "model name must match ^[a-z0-9]([a-z0-9._-]{0,62})$";
    public const string VersionRule = "version must be a positive integer of at most 10 digits without leading zeros";
    public const string LayoutRule = "expected <name>/config.json or <name>/<version>/<file>";
    public const string FileRule = "file names must not be empty, '.' or '..'";

    /// <summary>The largest version number: the registry row key zero-pads versions to 10 digits.</summary>
    public const long MaxVersion = ModelVersionRecord.MaxVersion;

    /// <summary>True for <c>&lt;name&gt;/config.json</c> (applies to every version).</summary>
    public bool IsModelConfig => Version is null;

    /// <summary>True for the graph file of a version.</summary>
    public bool IsGraph => Version is not null && FileName == GraphFileName;

    /// <summary>The folder of this version inside the container, e.g. <c>fraud/3/</c>.</summary>
    public string VersionFolder => Version is null
        ? throw new InvalidOperationException("A model-level config has no version folder.")
        : string.Create(CultureInfo.InvariantCulture, $"{ModelName}/{Version}/");

    public static bool TryParse(string path, [NotNullWhen(true)] out ModelBlobPath? result, [NotNullWhen(false)] out string? violatedRule)
    {
        result = null;
        var parts = path.Split('/');
        if (parts.Length < 2)
        {
            violatedRule = LayoutRule;
            return false;
        }

        if (!IsValidName(parts[0]))
        {
            violatedRule = NameRule;
            return false;
        }

        if (parts.Length == 2)
        {
            if (parts[1] != ConfigFileName)
            {
                violatedRule = LayoutRule;
                return false;
            }

            result = new ModelBlobPath(parts[0], null, ConfigFileName);
            violatedRule = null;
            return true;
        }

        if (!TryParseVersion(parts[1], out var version))
        {
            violatedRule = VersionRule;
            return false;
        }

        if (parts.Skip(2).Any(segment => segment is "" or "." or ".."))
        {
            violatedRule = FileRule;
            return false;
        }

        result = new ModelBlobPath(parts[0], version, string.Join('/', parts.Skip(2)));
        violatedRule = null;
        return true;
    }

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public static bool TryParseVersion(string text, out long version)
    {
        version = 0;
        return VersionPattern().IsMatch(text)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version)
            && version <= MaxVersion;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[1-9][0-9]{0,9}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();
}
