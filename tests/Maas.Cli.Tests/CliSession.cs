using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Maas.Core.Registry;
using Maas.TestKit.Azurite;
using Maas.TestKit.Batch;
using Maas.TestKit.Hosting;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Maas.TestKit.Storage;

namespace Maas.Cli.Tests;

/// <summary>What one <c>maas</c> run printed and exited with.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Asserts the run exited 0, showing what it printed on its error stream when not.</summary>
    public CliResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"maas exited {ExitCode}: {Error}");
        return this;
    }

    /// <summary>Standard output parsed as JSON (what <c>--json</c> prints).</summary>
    public JsonNode Json => JsonNode.Parse(Output) ?? throw new InvalidOperationException("maas printed nothing.");
}

/// <summary>
/// <c>maas</c> against the app's functions on a loopback port over Azurite, with registration running as the blob
/// trigger would (<see cref="RegistrationPump"/>): each run gets fresh writers, a private profile file, and blob clients
/// whose requests <see cref="Requests"/> sees.
/// </summary>
public sealed class CliSession : IAsyncDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("maas-cli-test-");

    private CliSession(AzuriteFixture azurite, ServingHarness serving, LoopbackApp app, RegistrationPump pump, BatchHarness? batches = null)
    {
        Batches = batches;
        Azurite = azurite;
        Serving = serving;
        App = app;
        _pump = pump;
    }

    private readonly RegistrationPump _pump;

    public AzuriteFixture Azurite { get; }

    public ServingHarness Serving { get; }

    public LoopbackApp App { get; }

    /// <summary>The batch jobs the app serves the Batch API over, when the session was started with them.</summary>
    public BatchHarness? Batches { get; }

    /// <summary>Every storage request the CLI makes passes here (and can be made to fail or cancel).</summary>
    public StorageRequestObserver Requests { get; } = new();

    public string ProfilePath => Path.Combine(_home.FullName, ".maas", "config.json");

    /// <summary>A folder for the test's files, deleted with the session.</summary>
    public string WorkFolder => _home.FullName;

    public BlobContainerClient Models => Serving.Registry.Container;

    /// <param name="batches">Whether the app also serves the Batch API (batch jobs on the Durable Task SDK's in-process test host).</param>
    public static async Task<CliSession> StartAsync(AzuriteFixture azurite, Action<RegistryOptions>? registry = null, bool batches = false)
    {
        var serving = new ServingHarness(azurite, registry: options =>
        {
            options.LookupCacheTtl = TimeSpan.Zero;
            registry?.Invoke(options);
        });
        var jobs = batches ? await BatchHarness.StartAsync(serving, azurite) : null;
        return new CliSession(azurite, serving, await LoopbackApp.StartAsync(serving, batches: jobs), RegistrationPump.Start(serving.Registry), jobs);
    }

    /// <summary>Runs <c>maas</c> with <paramref name="args"/> followed by this session's connection options.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    public Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
        => RunRawAsync(cancellationToken, [.. args, "--api", App.BaseAddress.ToString(), "--storage", Azurite.ConnectionString, "--container", Serving.Registry.Options.ContainerName]);

    /// <summary>Runs <c>maas</c> with exactly <paramref name="args"/> (the profile decides the connection).</summary>
    public async Task<CliResult> RunRawAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var io = new CliIo(output, error, new StringReader(string.Empty), interactive: false, ProfilePath);
        io.BlobOptions.AddPolicy(Requests, Azure.Core.HttpPipelinePosition.PerCall);
        var exit = await MaasCli.RunAsync(args, io, cancellationToken);
        return new CliResult(exit, output.ToString(), error.ToString());
    }

    /// <summary>Writes <paramref name="files"/> (name → bytes) into a new folder and returns its path.</summary>
    public string Folder(params (string Name, byte[] Bytes)[] files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_home.FullName, Guid.NewGuid().ToString("N")));
        foreach (var (name, bytes) in files)
        {
            File.WriteAllBytes(Path.Combine(folder.FullName, name), bytes);
        }

        return folder.FullName;
    }

    public async ValueTask DisposeAsync()
    {
        await _pump.DisposeAsync();
        await App.DisposeAsync();
        if (Batches is not null)
        {
            await Batches.DisposeAsync();
        }

        Serving.Dispose();
        _home.Delete(recursive: true);
    }
}
