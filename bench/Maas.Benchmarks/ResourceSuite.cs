using System.Diagnostics;
using Maas.Core.Inference;
using Maas.Core.Protocol.V2;
using Maas.TestKit.Azurite;
using Maas.TestKit.Serving;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Benchmarks;

/// <summary>Cold load, memory per cached model, the byte budget under churn, hot-path allocations, and codec speed.</summary>
internal static class ResourceSuite
{
    /// <summary>Model blob in Azurite → first prediction, against ONNX Runtime loading the same file from local disk.</summary>
    public static async Task<double> ColdLoadAsync(ServingHarness serving, Report report, BenchModel model, int rounds)
    {
        var fromBlob = new List<double>();
        var fromFile = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var record = await serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), model.Graph);
            using var request = RequestOf(model, record.Outputs.Select(o => o.Name));
            var started = Stopwatch.GetTimestamp();
            using (var lease = await serving.Sessions.AcquireAsync(record, CancellationToken.None))
            using (ModelRunner.Run(lease.Loaded, request, CancellationToken.None))
            {
                fromBlob.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            started = Stopwatch.GetTimestamp();
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL })
            using (var session = new InferenceSession(model.LocalPath!, options))
            using (RunRaw(session, model))
            {
                fromFile.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        var blob = Timing.From("blob", fromBlob).MedianMs;
        var file = Timing.From("file", fromFile).MedianMs;
        report.Table(
            ["model (file size)", "Azurite blob → first prediction (ms, median)", "local file → first prediction (ms)", "ratio"],
            [[$"{model.Label} ({model.Graph.Length / 1024.0 / 1024:0.0} MiB)", Report.Ms(blob), Report.Ms(file), Report.Ratio(blob / file)]]);
        return blob / file;
    }

    /// <summary>Working set added per cached session of one model, against its file size; then 50 models churning through a small budget.</summary>
    public static async Task MemoryAsync(AzuriteFixture azurite, Report report, BenchModel perModel, BenchModel churned)
    {
        using (var serving = new ServingHarness(azurite))
        {
            const int Copies = 4;
            var records = new List<Maas.Core.Models.ModelVersionRecord>();

            // One session first, so ONNX Runtime's one-off start-up memory is not counted against the copies.
            var warm = await serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), perModel.Graph);
            using var warmLease = await serving.Sessions.AcquireAsync(warm, CancellationToken.None);
            for (var i = 0; i < Copies; i++)
            {
                records.Add(await serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), perModel.Graph));
            }

            var before = WorkingSet();
            var leases = new List<SessionLease>();
            foreach (var record in records)
            {
                leases.Add(await serving.Sessions.AcquireAsync(record, CancellationToken.None));
            }

            var perSession = (WorkingSet() - before) / Copies;
            leases.ForEach(l => l.Dispose());
            report.Table(
                ["model", "file size (MiB)", "resident memory per cached session (MiB)", "ratio"],
                [[perModel.Label, Report.Number(perModel.Graph.Length / 1048576.0, "0.0"), Report.Number(perSession / 1048576.0, "0.0"), Report.Ratio(perSession / (double)perModel.Graph.Length)]]);
        }

        var budget = 5L * churned.Graph.Length;
        using var churn = new ServingHarness(azurite, new InferenceOptions { MaxCachedModelBytes = budget });
        var (header, binary) = churned.V2Binary;
        byte[] body = [.. header, .. binary];
        long maxHeld = 0;
        var startSet = WorkingSet();
        for (var i = 0; i < 50; i++)
        {
            var name = await churn.AddModelAsync(churned.Graph);
            using (await churn.RunAsync(churn.V2, BenchModel.Wire(body, header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), name, version: null))
            {
            }

            maxHeld = Math.Max(maxHeld, churn.Sessions.CachedBytes);
        }

        report.Line($"50 copies of the {churned.Label} ({churned.Graph.Length / 1024} KiB each) predicted in turn with `Inference:MaxCachedModelBytes` = {budget / 1024} KiB: "
            + $"the cache never held more than {maxHeld / 1024} KiB ({churn.Sessions.CachedCount} sessions at the end); resident memory changed by {(WorkingSet() - startSet) / 1048576.0:0.0} MiB over the 50 loads "
            + "(that figure also holds the 50 registrations, which each load the graph once to inspect it, and what the native allocator keeps for reuse; the cache's own accounting is the bound above).");
        report.Line();
    }

    /// <summary>Bytes allocated per prediction on the V2 binary and JSON paths, for a small and a large tensor.</summary>
    public static async Task<(double SmallBinary, double LargeBinary)> AllocationsAsync(ServingHarness serving, Report report, int small, int large)
    {
        var rows = new List<string[]>();
        var binaryBytes = new Dictionary<int, double>();
        foreach (var size in new[] { small, large })
        {
            var model = Models.Identity(size);
            var name = await serving.AddModelAsync(model.Graph);
            var (header, binary) = model.V2Binary;
            byte[] body = [.. header, .. binary];
            var headerLength = header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var json = model.V2Json;
            binaryBytes[size] = await Measure.AllocatedBytesPerCallAsync(async () =>
            {
                using var response = await serving.RunAsync(serving.V2, BenchModel.Wire(body, headerLength), name, version: null);
            });
            var jsonBytes = await Measure.AllocatedBytesPerCallAsync(async () =>
            {
                using var response = await serving.RunAsync(serving.V2, BenchModel.Wire(json), name, version: null);
            });
            rows.Add([model.Label, $"{size * 4 / 1024} KiB", Report.Number(binaryBytes[size]), Report.Number(jsonBytes)]);
            await serving.Metrics.FlushAsync(CancellationToken.None);
        }

        report.Table(["model", "tensor bytes", "V2 binary: bytes allocated per prediction", "V2 JSON: bytes allocated per prediction"], rows);
        return (binaryBytes[small], binaryBytes[large]);
    }

    /// <summary>
    /// A new instance's first load of a version: from the optimised copy registration kept, against the original graph
    /// optimised at load, alternating, each a fresh download and session (no cache).
    /// </summary>
    public static async Task OptimizedCopyAsync(ServingHarness serving, Report report, IReadOnlyList<(string Label, byte[] Graph)> models, int rounds)
    {
        var rows = new List<string[]>();
        foreach (var (label, graph) in models)
        {
            var record = await serving.AddVersionAsync(Maas.TestKit.Registry.RegistryHarness.NewModelName(), graph);
            var withCopy = new List<double>();
            var withoutCopy = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (target, samples) in new[] { (record, withCopy), (record with { OptimizedBlobPath = string.Empty }, withoutCopy) })
                {
                    // Each load starts from a collected heap: the previous one's 100 MB of buffers must not be this one's cost.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var started = Stopwatch.GetTimestamp();
                    using (await serving.Loader.LoadAsync(target, CancellationToken.None))
                    {
                        samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
            }

            var copy = Timing.From("copy", withCopy).MedianMs;
            var original = Timing.From("original", withoutCopy).MedianMs;
            rows.Add([label, Report.Number(graph.Length / 1024.0 / 1024.0, "0.0"), record.OptimizedBlobPath.Length > 0 ? "yes" : "no", Report.Ms(original), Report.Ms(copy), Report.Ratio(original / copy)]);
        }

        report.Table(["model", "graph (MiB)", "copy kept", "load, original graph optimised at load (ms)", "load from the optimised copy (ms)", "speed-up"], rows);
    }

    internal static InferenceRequest RequestOf(BenchModel model, IEnumerable<string> outputs)
        => new(null, [.. model.Inputs.Select(i => new InputTensor(i.Name, V2DataType.Parse(i.Datatype), i.Shape, i.Bytes))], [.. outputs.Select(o => new RequestedOutput(o, Binary: false))]);

    /// <summary>A plain ONNX Runtime run of the model's request on a session created outside the service.</summary>
    private static IDisposable RunRaw(InferenceSession session, BenchModel model)
    {
        var values = model.Inputs.Select(i => i.ToOrtValue()).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            return session.Run(runOptions, [.. model.Inputs.Select(i => i.Name)], values, [.. session.OutputNames]);
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>Resident anonymous memory (heap, native allocations) after a full collection; the working set where /proc is absent.</summary>
    private static long WorkingSet()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var status = "/proc/self/status";
        if (File.Exists(status))
        {
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
            if (line is not null)
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
