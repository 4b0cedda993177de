using System.Diagnostics;
using Azure.Storage.Blobs.Specialized;
using Maas.Core.Models;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Storage;

namespace Maas.Benchmarks;

/// <summary>What a reconciliation run costs at scale: time and storage transactions, with nothing or a little changed.</summary>
internal static class RegistrySuite
{
    private const int Changes = 10;

    /// <summary>Registers <paramref name="models"/> × <paramref name="versions"/> (as the trigger would), then times reconciliation runs.</summary>
    public static async Task<(int Transactions, double Ms)> ReconcileAsync(AzuriteFixture azurite, Report report, int models, int versions)
    {
        var blobRequests = new StorageRequestObserver();
        var tableRequests = new StorageRequestObserver();
        var registry = new RegistryHarness(azurite, tableFaults: tableRequests, blobFaults: blobRequests);
        var graph = TestModels.Linear();
        var names = Enumerable.Range(0, models).Select(_ => RegistryHarness.NewModelName()).ToList();
        var folders = names.SelectMany(name => Enumerable.Range(1, versions).Select(version => $"{name}/{version}/model.onnx")).ToList();
        await Parallel.ForEachAsync(folders, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (path, _) => await registry.UploadAndRegisterAsync(path, graph));

        var rows = new List<string[]>();
        async Task<(int, double)> RunAsync(string label)
        {
            blobRequests.Reset();
            tableRequests.Reset();
            var started = Stopwatch.GetTimestamp();
            var result = await registry.Reconciler.RunAsync(CancellationToken.None);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            rows.Add([label, Report.Number(result.Registered), Report.Number(result.Removed), Report.Ms(ms), Report.Number(blobRequests.Requests), Report.Number(tableRequests.Requests)]);
            return (blobRequests.Requests + tableRequests.Requests, ms);
        }

        var steady = await RunAsync("nothing changed");
        await Parallel.ForEachAsync(names.Take(Changes), async (name, _) => await registry.UploadAsync($"{name}/{versions + 1}/model.onnx", graph));
        await RunAsync($"{Changes} new versions the trigger missed");
        await Parallel.ForEachAsync(names.Take(Changes), async (name, _) => await registry.Container.GetBlobClient($"{name}/{versions + 1}/model.onnx").DeleteAsync(cancellationToken: CancellationToken.None));
        await RunAsync($"{Changes} model.onnx deleted");
        await RunAsync("nothing changed, again");

        report.Table(["run", "registered", "marked Removed", "time (ms)", "blob transactions", "table transactions"], rows);
        return steady;
    }

    /// <summary>The local safety net's period: the sample settings' ReconcileSchedule.</summary>
    private static readonly TimeSpan ReconcilePeriod = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private const int BlockBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Upload finished → version Ready, and model.onnx deleted → Removed: with Event Grid (the registration invoked as
    /// the webhook delivers BlobCreated) and with only the local safety net (reconciliation every 10 s while the polling
    /// trigger misses everything). Returns the slowest safety-net figure, in seconds.
    /// </summary>
    public static async Task<double> DropToReadyAsync(AzuriteFixture azurite, Report report, bool quick)
    {
        var registry = new RegistryHarness(azurite);
        var small = TestModels.Linear();
        var large = TestModels.FeedForwardStack();
        var rows = new List<string[]>();
        var repeats = quick ? 1 : 3;

        async Task<double> EventGridAsync(byte[] graph, bool blocks)
        {
            var path = $"{RegistryHarness.NewModelName()}/1/model.onnx";
            await UploadAsync(registry, path, graph, blocks);
            var started = Stopwatch.GetTimestamp();
            await registry.RegisterAsync(registry.Container.GetBlobClient(path), path);
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }

        foreach (var (label, graph, blocks) in new[] { ("small (test kit linear)", small, false), ("96 MiB, one request", large, false), ("96 MiB, in 4 MiB blocks", large, true) })
        {
            var samples = new List<double>();
            for (var i = 0; i < repeats; i++)
            {
                samples.Add(await EventGridAsync(graph, blocks));
            }

            rows.Add(Row("Event Grid (registration as the webhook delivers BlobCreated)", label, samples));
        }

        // The safety net alone: reconciliation on its period, as the timer runs it, while uploads and deletions happen.
        using var stop = new CancellationTokenSource();
        var reconciling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(ReconcilePeriod);
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                await registry.Reconciler.RunAsync(CancellationToken.None);
            }
        });
        var slowest = 0.0;
        try
        {
            foreach (var (label, graph, blocks, count) in new[] { ("small (test kit linear)", small, false, 1), ("96 MiB, one request", large, false, 1), ("96 MiB, in 4 MiB blocks", large, true, 1), ("ten small at once", small, false, 10) })
            {
                var samples = new List<double>();
                for (var i = 0; i < (count > 1 ? 1 : repeats); i++)
                {
                    var names = Enumerable.Range(0, count).Select(_ => RegistryHarness.NewModelName()).ToList();
                    await Task.WhenAll(names.Select(name => UploadAsync(registry, $"{name}/1/model.onnx", graph, blocks)));
                    var started = Stopwatch.GetTimestamp();
                    samples.AddRange(await Task.WhenAll(names.Select(name => UntilAsync(registry, name, ModelStatus.Ready, started))));
                }

                slowest = Math.Max(slowest, samples.Max());
                rows.Add(Row("local safety net: reconciliation every 10 s", label, samples));
            }

            var removals = new List<double>();
            for (var i = 0; i < repeats; i++)
            {
                var name = RegistryHarness.NewModelName();
                await registry.UploadAndRegisterAsync($"{name}/1/model.onnx", small);
                await registry.Container.GetBlobClient($"{name}/1/model.onnx").DeleteAsync();
                removals.Add(await UntilAsync(registry, name, ModelStatus.Removed, Stopwatch.GetTimestamp()));
            }

            slowest = Math.Max(slowest, removals.Max());
            rows.Add(Row("local safety net: reconciliation every 10 s", "model.onnx deleted → Removed", removals));
        }
        finally
        {
            await stop.CancelAsync();
            await reconciling.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        report.Table(["source", "upload", "samples", "p50 (s)", "p95 (s)", "max (s)"], rows);
        return slowest;
    }

    private static string[] Row(string source, string label, List<double> seconds)
    {
        var sorted = seconds.Order().ToList();
        double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
        return [source, label, Report.Number(sorted.Count), Report.Number(At(0.5), "0.00"), Report.Number(At(0.95), "0.00"), Report.Number(sorted[^1], "0.00")];
    }

    /// <summary>Seconds from <paramref name="started"/> until the version's row has <paramref name="status"/>, reading it every 100 ms.</summary>
    private static async Task<double> UntilAsync(RegistryHarness registry, string name, ModelStatus status, long started)
    {
        while ((await registry.RowAsync(name, 1))?.Status != status)
        {
            await Task.Delay(PollInterval);
        }

        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task UploadAsync(RegistryHarness registry, string path, byte[] graph, bool blocks)
    {
        if (!blocks)
        {
            await registry.UploadAsync(path, graph);
            return;
        }

        var blob = registry.Container.GetBlockBlobClient(path);
        var ids = new List<string>();
        for (var offset = 0; offset < graph.Length; offset += BlockBytes)
        {
            var id = Convert.ToBase64String(BitConverter.GetBytes(offset));
            using var block = new MemoryStream(graph, offset, Math.Min(BlockBytes, graph.Length - offset), writable: false);
            await blob.StageBlockAsync(id, block);
            ids.Add(id);
        }

        await blob.CommitBlockListAsync(ids);
    }
}
