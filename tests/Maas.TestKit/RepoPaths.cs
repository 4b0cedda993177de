namespace Maas.TestKit;

/// <summary>Finds files of the repository from a test's output folder.</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries that holds <c>Maas.Functions.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Maas.Functions.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Maas.Functions.sln found above {AppContext.BaseDirectory}; run the tests from a clone of the repository.");
    }
}
