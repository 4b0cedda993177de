using System.Diagnostics;
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
}
