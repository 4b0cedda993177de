using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Xunit;

namespace Maas.TestKit.Azurite;

/// <summary>
/// Starts the repository's pinned Azurite (from <c>node_modules</c>) in memory on free loopback ports for a test run
/// and stops it at the end. Share it with <c>ICollectionFixture&lt;AzuriteFixture&gt;</c>; give each test its own
/// container and table names (<see cref="UniqueName"/>) so tests stay independent of order.
/// </summary>
public sealed partial class AzuriteFixture : IAsyncLifetime, IDisposable
{
    private const int SignalTerminate = 15;
    private const int SignalStop = 19;
    private const int SignalContinue = 18;

    /// <summary>Azurite's documented development account (public, not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>How long Azurite may take to say it listens before the run fails (a start-up bound, not a test assertion).</summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, int> _ports = [];
    private readonly string? _location;
    private TaskCompletionSource<Dictionary<string, int>> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;

    /// <summary>Azurite in memory (the shared fixture of the test run).</summary>
    public AzuriteFixture()
    {
    }

    private AzuriteFixture(string location) => _location = location;

    /// <summary>An Azurite that keeps its data in a temp folder, so it can be stopped and started again (outage tests); call <see cref="InitializeAsync"/>.</summary>
    public static AzuriteFixture Persistent() => new(Directory.CreateTempSubdirectory("maas-azurite-").FullName);

    public string ConnectionString { get; private set; } = string.Empty;

    public BlobServiceClient BlobService => new(ConnectionString);

    public TableServiceClient TableService => new(ConnectionString);

    /// <summary>A fresh name for a container or table, unique within the run (letters and digits only, so valid for both).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
    {
        var ports = await StartAsync(blobPort: 0, queuePort: 0, tablePort: 0);
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{AccountName};"
            + $"QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{AccountName};"
            + $"TableEndpoint=http://127.0.0.1:{ports["Table"]}/{AccountName};");
    }

    /// <summary>Stops Azurite as an operator would (SIGTERM: it saves its data and exits); connections are refused until <see cref="RestartAsync"/>.</summary>
    public void Stop()
    {
        RequirePersistent();
        if (_process is { HasExited: false } process)
        {
            _ = Kill(process.Id, SignalTerminate);
            process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts the stopped Azurite again on the same ports with the same data.</summary>
    public Task RestartAsync()
    {
        RequirePersistent();
        return StartAsync(_ports["Blob"], _ports["Queue"], _ports["Table"]);
    }

    /// <summary>Freezes Azurite (SIGSTOP): it accepts connections and never answers, as a storage front end can under some faults.</summary>
    public void Freeze() => Signal(SignalStop);

    /// <summary>Lets a frozen Azurite run again (SIGCONT).</summary>
    public void Thaw() => Signal(SignalContinue);

    private void Signal(int signal)
    {
        if (_process is not { HasExited: false } process || Kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException("Azurite is not running.");
        }
    }

    private void RequirePersistent()
    {
        if (_location is null)
        {
            throw new InvalidOperationException("Only an AzuriteFixture created with persistent: true can be stopped and started again.");
        }
    }

    private async Task<Dictionary<string, int>> StartAsync(int blobPort, int queuePort, int tablePort)
    {
        var script = RepoPaths.Combine("node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script} is missing). Run 'npm ci' in {RepoPaths.Root}, or run the tests with scripts/test.sh, which does.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] storage = _location is null ? ["--inMemoryPersistence"] : ["--location", _location];
        foreach (var argument in new[]
        {
            script, "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", tablePort.ToString(CultureInfo.InvariantCulture),
        }.Concat(storage))
        {
            start.ArgumentList.Add(argument);
        }

        lock (_ports)
        {
            _ports.Clear();
            _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var listening = _listening;
        process.OutputDataReceived += (_, line) => OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => OnOutput(line.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"Azurite exited with code {process.ExitCode} before it listened."));
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start 'node' for Azurite; install Node.js 20 or later.");
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return await listening.Task.WaitAsync(StartupTimeout);
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _ = Kill(_process.Id, SignalContinue);
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
        if (_location is not null && Directory.Exists(_location))
        {
            Directory.Delete(_location, recursive: true);
        }
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        var match = ListeningLine().Match(line);
        if (!match.Success)
        {
            return;
        }

        lock (_ports)
        {
            _ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
            if (_ports.Count == 3)
            {
                _listening.TrySetResult(new Dictionary<string, int>(_ports));
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
