using System.Diagnostics;
using System.Globalization;
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
    /// <summary>Azurite's documented development account (public, not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>How long Azurite may take to say it listens before the run fails (a start-up bound, not a test assertion).</summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    private readonly TaskCompletionSource<Dictionary<string, int>> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, int> _ports = [];
    private Process? _process;

    public string ConnectionString { get; private set; } = string.Empty;

    public BlobServiceClient BlobService => new(ConnectionString);

    public TableServiceClient TableService => new(ConnectionString);

    /// <summary>A fresh name for a container or table, unique within the run (letters and digits only, so valid for both).</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    public async Task InitializeAsync()
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
        foreach (var argument in new[]
        {
            script, "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            "--blobHost", "127.0.0.1", "--blobPort", "0",
            "--queueHost", "127.0.0.1", "--queuePort", "0",
            "--tableHost", "127.0.0.1", "--tablePort", "0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, line) => OnOutput(line.Data);
        _process.ErrorDataReceived += (_, line) => OnOutput(line.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before it listened."));
        if (!_process.Start())
        {
            throw new InvalidOperationException("Could not start 'node' for Azurite; install Node.js 20 or later.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var ports = await _listening.Task.WaitAsync(StartupTimeout);
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};"
            + $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{AccountName};"
            + $"QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{AccountName};"
            + $"TableEndpoint=http://127.0.0.1:{ports["Table"]}/{AccountName};");
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
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
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

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
