using System.Globalization;
using Maas.TestKit.Azurite;
using Maas.TestKit.Serving;
using Maas.TestKit.Storage;

namespace Maas.Benchmarks;

/// <summary>Closed-loop throughput at 1, 8, 32 and 128 concurrent callers with dynamic batching off and on.</summary>
internal static class ThroughputSuite
{
    public static readonly int[] Callers = [1, 8, 32, 128];

    /// <returns>Per caller count: (requests/s off, requests/s on, p99 on in ms).</returns>
    public static async Task<Dictionary<int, (double Off, double On, double P99On)>> RunAsync(
        ServingHarness serving, Report report, BenchModel model, string batchingConfig, TimeSpan duration)
    {
        var plain = await serving.AddModelAsync(model.Graph);
        var batched = await serving.AddModelAsync(model.Graph, batchingConfig);
        var (header, binary) = model.V2Binary;
        byte[] body = [.. header, .. binary];
        var headerLength = header.Length.ToString(CultureInfo.InvariantCulture);
        var results = new Dictionary<int, (double, double, double)>();
        foreach (var callers in Callers)
        {
            var off = await Measure.ThroughputAsync(callers, () => CallAsync(serving, plain, body, headerLength), duration);
            var on = await Measure.ThroughputAsync(callers, () => CallAsync(serving, batched, body, headerLength), duration);
            results[callers] = (off.PerSecond, on.PerSecond, on.P99Ms);
            await serving.Metrics.FlushAsync(CancellationToken.None);
        }

        report.Table(
            ["callers", "batching off (req/s)", "batching on (req/s)", "on ÷ off", "p99 with batching (ms)"],
            Callers.Select(c => new[] { c.ToString(CultureInfo.InvariantCulture), Report.Number(results[c].Item1), Report.Number(results[c].Item2), Report.Ratio(results[c].Item2 / results[c].Item1), Report.Ms(results[c].Item3) }));
        return results;
    }

    /// <summary>
    /// The same model at 1, 8 and 32 callers on sessions with ONNX Runtime's thread spinning off (the default) and on,
    /// measured in turn. In process there is no Functions host competing for the cores, so this shows ONNX Runtime's own share.
    /// </summary>
    public static async Task<Dictionary<int, (double Off, double On)>> SpinningAsync(ServingHarness spinningOff, ServingHarness spinningOn, Report report, BenchModel model, TimeSpan duration)
    {
        var off = await spinningOff.AddModelAsync(model.Graph);
        var on = await spinningOn.AddModelAsync(model.Graph);
        var (header, binary) = model.V2Binary;
        byte[] body = [.. header, .. binary];
        var headerLength = header.Length.ToString(CultureInfo.InvariantCulture);
        int[] callers = [1, 8, 32];
        var results = new Dictionary<int, (double, double)>();
        foreach (var count in callers)
        {
            var withoutSpinning = await Measure.ThroughputAsync(count, () => CallAsync(spinningOff, off, body, headerLength), duration);
            var withSpinning = await Measure.ThroughputAsync(count, () => CallAsync(spinningOn, on, body, headerLength), duration);
            results[count] = (withoutSpinning.PerSecond, withSpinning.PerSecond);
        }

        report.Table(
            ["callers", "spinning off (req/s)", "spinning on (req/s)", "off ÷ on"],
            callers.Select(c => new[] { c.ToString(CultureInfo.InvariantCulture), Report.Number(results[c].Item1), Report.Number(results[c].Item2), Report.Ratio(results[c].Item1 / results[c].Item2) }));
        return results;
    }

    /// <summary>
    /// A loaded model at 8 callers with storage healthy, then with every registry read failing (connection refused) or
    /// hanging, measured in turn with the production lookup settings (5 s cache, 2 s budget).
    /// </summary>
    public static async Task<(double Healthy, double Failing, double Hanging)> StorageOutageAsync(AzuriteFixture azurite, Report report, BenchModel model, TimeSpan duration)
    {
        var faults = new StorageFaultPolicy { Mode = StorageFault.None, Applies = StorageFaultPolicy.Reads };
        using var serving = new ServingHarness(azurite, lookupCacheTtl: TimeSpan.FromSeconds(5), tableFaults: faults);
        var name = await serving.AddModelAsync(model.Graph);
        var (header, binary) = model.V2Binary;
        byte[] body = [.. header, .. binary];
        var headerLength = header.Length.ToString(CultureInfo.InvariantCulture);
        const int callers = 8;
        var healthy = await Measure.ThroughputAsync(callers, () => CallAsync(serving, name, body, headerLength), duration);
        faults.Mode = StorageFault.ConnectionRefused;
        var failing = await Measure.ThroughputAsync(callers, () => CallAsync(serving, name, body, headerLength), duration);
        faults.Mode = StorageFault.Hang;
        var hanging = await Measure.ThroughputAsync(callers, () => CallAsync(serving, name, body, headerLength), duration);
        report.Table(
            ["storage", "predictions/s", "÷ healthy", "p99 (ms)"],
            [
                ["healthy", Report.Number(healthy.PerSecond), Report.Ratio(1), Report.Ms(healthy.P99Ms)],
                ["every registry read refused", Report.Number(failing.PerSecond), Report.Ratio(failing.PerSecond / healthy.PerSecond), Report.Ms(failing.P99Ms)],
                ["every registry read hanging", Report.Number(hanging.PerSecond), Report.Ratio(hanging.PerSecond / healthy.PerSecond), Report.Ms(hanging.P99Ms)],
            ]);
        return (healthy.PerSecond, failing.PerSecond, hanging.PerSecond);
    }

    private static async Task CallAsync(ServingHarness serving, string name, byte[] body, string headerLength)
    {
        using var response = await serving.RunAsync(serving.V2, BenchModel.Wire(body, headerLength), name, version: null);
    }
}
