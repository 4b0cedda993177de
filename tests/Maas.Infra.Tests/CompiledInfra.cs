using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Maas.TestKit;

namespace Maas.Infra.Tests;

/// <summary>
/// infra/main.bicep compiled once per run by the pinned Bicep CLI, with every resource of every nested module
/// template flattened into one list (each with the condition of the module it sits in), and the parameter files built.
/// </summary>
public sealed class CompiledInfra : IAsyncLifetime
{
    private readonly string _output = Directory.CreateTempSubdirectory("maas-infra-").FullName;

    public static string BicepPath => typeof(CompiledInfra).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    public JsonObject Template { get; private set; } = [];

    /// <summary>Every resource with the module it was declared in (empty for main) and that module's deployment condition.</summary>
    public IReadOnlyList<(string Module, string? Condition, JsonObject Resource)> Resources { get; private set; } = [];

    public IReadOnlyDictionary<string, JsonObject> Modules { get; private set; } = new Dictionary<string, JsonObject>();

    public IReadOnlyDictionary<string, JsonObject> ParameterFiles { get; private set; } = new Dictionary<string, JsonObject>();

    public async Task InitializeAsync()
    {
        var main = RepoPaths.Combine("infra", "main.bicep");
        await RunBicepAsync("build", main, "--outfile", Path.Combine(_output, "main.json"));
        Template = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "main.json")))!.AsObject();
        var resources = new List<(string, string?, JsonObject)>();
        var modules = new Dictionary<string, JsonObject>();
        Collect(Template, string.Empty, null, resources, modules);
        Resources = resources;
        Modules = modules;

        var parameterFiles = new Dictionary<string, JsonObject>();
        foreach (var file in Directory.GetFiles(RepoPaths.Combine("infra"), "*.bicepparam"))
        {
            var outfile = Path.Combine(_output, Path.GetFileNameWithoutExtension(file) + ".parameters.json");
            await RunBicepAsync("build-params", file, "--outfile", outfile);
            parameterFiles[Path.GetFileName(file)] = JsonNode.Parse(await File.ReadAllTextAsync(outfile))!.AsObject();
        }

        ParameterFiles = parameterFiles;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    public IEnumerable<JsonObject> OfType(string type) => Resources.Where(r => (string?)r.Resource["type"] == type).Select(r => r.Resource);

    private static void Collect(JsonObject template, string module, string? condition, List<(string, string?, JsonObject)> resources, Dictionary<string, JsonObject> modules)
    {
        // Symbolic names (languageVersion 2.0) where the compiler kept them; the name expression otherwise.
        var declared = template["resources"] switch
        {
            JsonObject symbolic => symbolic.Select(pair => (Key: pair.Key, Resource: pair.Value!.AsObject())),
            JsonArray list => list.Select(item => (Key: item!["name"]!.ToString(), Resource: item.AsObject())),
            _ => [],
        };
        foreach (var (key, resource) in declared)
        {
            if ((string?)resource["type"] == "Microsoft.Resources/deployments")
            {
                var name = key;
                modules[name] = resource;
                Collect(resource["properties"]!["template"]!.AsObject(), name, (string?)resource["condition"] ?? condition, resources, modules);
            }
            else
            {
                resources.Add((module, condition, resource));
            }
        }
    }

    private static async Task RunBicepAsync(params string[] arguments)
    {
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(BicepPath).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(BicepPath, File.GetUnixFileMode(BicepPath) | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(BicepPath, arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || (await errors).Contains("Warning", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"bicep {string.Join(' ', arguments)} failed: {await errors}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class UsesCompiledInfra : ICollectionFixture<CompiledInfra>
{
    public const string Name = "Compiled infra";
}
