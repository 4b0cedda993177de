using System.Text.RegularExpressions;
using Maas.TestKit;

namespace Maas.Functions.Tests;

/// <summary>
/// The README stays a short start and the reference lives in docs/: every relative link of the README, the docs pages
/// and the other READMEs names a file that exists, and an anchor names a heading of that file.
/// </summary>
public sealed partial class DocumentationTests
{
    /// <summary>The README's length the redesign set: a newcomer's first screen holds the first prediction.</summary>
    private const int MaxReadmeLines = 150;

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string> { "README.md", Path.Combine("src", "Maas.Cli", "README.md"), Path.Combine("samples", "TrainEvaluateRegister", "README.md") };
        foreach (var page in Directory.GetFiles(RepoPaths.Combine("docs"), "*.md").Order(StringComparer.Ordinal))
        {
            pages.Add(Path.Combine("docs", Path.GetFileName(page)));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Page_EveryRelativeLink_ResolvesToAFileAndHeading(string page)
    {
        var path = RepoPaths.Combine(page);
        var broken = new List<string>();
        var prose = CodeSpan().Replace(CodeBlock().Replace(File.ReadAllText(path), string.Empty), string.Empty);
        foreach (Match link in LinkPattern().Matches(prose))
        {
            var target = link.Groups["target"].Value;
            if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var (file, anchor) = target.Split('#', 2) is [var f, var a] ? (f, a) : (target, null);
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor is not null && !Anchors(resolved).Contains(anchor))
            {
                broken.Add($"{target}: no heading '{anchor}' in {Path.GetFileName(resolved)}");
            }
        }

        Assert.True(broken.Count == 0, $"{page}: {string.Join("; ", broken)}");
    }

    [Fact]
    public void Readme_IsAShortStart()
    {
        var lines = File.ReadAllLines(RepoPaths.Combine("README.md"));

        Assert.True(lines.Length <= MaxReadmeLines, $"README.md has {lines.Length} lines; the reference belongs in docs/.");
        Assert.InRange(Array.FindIndex(lines, l => l.Contains("scripts/start-local.sh", StringComparison.Ordinal)), 0, 40);
        Assert.InRange(Array.FindIndex(lines, l => l.Contains("/v2/models/fraud/infer", StringComparison.Ordinal)), 0, 100);
    }

    /// <summary>GitHub's anchors of a markdown file's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdown)
        => [.. File.ReadLines(markdown).Where(line => line.StartsWith('#')).Select(line => AnchorOf(line.TrimStart('#').Trim()))];

    private static string AnchorOf(string heading)
        => NotAnchorCharacter().Replace(heading.ToLowerInvariant(), string.Empty).Replace(' ', '-');

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex LinkPattern();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"[^\p{L}\p{Nd} _-]")]
    private static partial Regex NotAnchorCharacter();
}
