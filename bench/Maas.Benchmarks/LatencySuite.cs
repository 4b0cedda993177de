using Maas.Core.Protocol;
using Maas.TestKit.Serving;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Benchmarks;

/// <summary>Raw ONNX Runtime <c>Run</c> on pre-built inputs (the floor) against the full in-process path per wire format, and against a session per request.</summary>
internal static class LatencySuite
{
    public static async Task<Dictionary<string, (Timing Raw, Timing Json, Timing Binary, Timing Simple)>> RunAsync(ServingHarness serving, Report report, IReadOnlyList<BenchModel> models, TimeSpan budget)
    {
        var results = new Dictionary<string, (Timing, Timing, Timing, Timing)>();
        foreach (var model in models)
        {
            var name = await serving.AddModelAsync(model.Graph);
            var record = await serving.Registry.Resolver.ResolveAsync(name, null, CancellationToken.None);
            using var lease = await serving.Sessions.AcquireAsync(record, CancellationToken.None);
            var values = model.Inputs.Select(i => i.ToOrtValue()).ToArray();
            var inputNames = model.Inputs.Select(i => i.Name).ToArray();
            var outputNames = lease.Session.OutputNames.ToArray();
            var json = model.V2Json;
            var (header, binary) = model.V2Binary;
            byte[] binaryBody = [.. header, .. binary];
            var headerLength = header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var simple = model.Simple;
            var timings = await Measure.InterleavedAsync(
                [
                    ("raw", () =>
                    {
                        using var runOptions = new RunOptions();
                        using var outputs = lease.Session.Run(runOptions, inputNames, values, outputNames);
                        return Task.CompletedTask;
                    }),
                    ("V2 JSON", () => PathAsync(serving, name, json, null, serving.V2)),
                    ("V2 binary", () => PathAsync(serving, name, binaryBody, headerLength, serving.V2)),
                    ("simple", () => PathAsync(serving, name, simple, null, serving.Simple)),
                ],
                budget * 4);
            var (raw, v2Json, v2Binary, simpleApi) = (timings[0], timings[1], timings[2], timings[3]);
            results[model.Label] = (raw, v2Json, v2Binary, simpleApi);
            foreach (var value in values)
            {
                value.Dispose();
            }

            await serving.Metrics.FlushAsync(CancellationToken.None);
        }

        report.Table(
            ["model", "raw Run (ms, median)", "V2 binary", "V2 JSON", "simple API", "request JSON size"],
            models.Select(m =>
            {
                var (raw, json, binary, simple) = results[m.Label];
                return new[]
                {
                    m.Label, Report.Ms(raw.MedianMs),
                    $"{Report.Ms(binary.MedianMs)} ({Report.Ratio(binary.MedianMs / raw.MedianMs)})",
                    $"{Report.Ms(json.MedianMs)} ({Report.Ratio(json.MedianMs / raw.MedianMs)})",
                    $"{Report.Ms(simple.MedianMs)} ({Report.Ratio(simple.MedianMs / raw.MedianMs)})",
                    $"{m.V2Json.Length / 1024} KiB",
                };
            }));
        return results;
    }

    /// <summary>A session created for every request (what the usual Functions + ONNX samples do) against the cached session's raw run.</summary>
    public static async Task SessionPerRequestAsync(Report report, IReadOnlyList<BenchModel> models, IReadOnlyDictionary<string, double> cachedMedianMs, TimeSpan budget)
    {
        var rows = new List<string[]>();
        foreach (var model in models)
        {
            var values = model.Inputs.Select(i => i.ToOrtValue()).ToArray();
            var inputNames = model.Inputs.Select(i => i.Name).ToArray();
            var perRequest = await Measure.Latency("session per request", () =>
            {
                using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
                using var session = new InferenceSession(model.LocalPath!, options);
                using var runOptions = new RunOptions();
                using var outputs = session.Run(runOptions, inputNames, values, session.OutputNames.ToArray());
            }, budget, minCalls: 8);
            rows.Add([model.Label, Report.Ms(cachedMedianMs[model.Label]), Report.Ms(perRequest.MedianMs), Report.Ratio(perRequest.MedianMs / cachedMedianMs[model.Label])]);
            foreach (var value in values)
            {
                value.Dispose();
            }
        }

        report.Table(["model", "cached path, V2 binary (ms)", "session per request (ms)", "per-request ÷ cached"], rows);
    }

    /// <summary>
    /// The V2 binary path of the same model without and with capture at rate 1.0 (every tensor kept), interleaved, while
    /// the capture writer runs as in the app: what capturing costs a prediction, and what the writer kept up with.
    /// </summary>
    public static Task<double> CaptureAsync(ServingHarness serving, Report report, BenchModel model, TimeSpan budget)
        => OffOnAsync(
            serving,
            report,
            model,
            budget,
            new BackgroundCost("capture", """{"capture":{"sampleRate":1}}""", serving.CaptureWriter, () => serving.CaptureBuffer.DroppedCount, "records written", "records dropped (queue full)"),
            _ => Task.CompletedTask);

    /// <summary>
    /// What drift summaries cost a call: the same graph registered twice, once with <c>{"drift":{"sampleRate":1}}</c>
    /// and a baseline from an evaluation set, calls interleaved; the recorder summarises the copies on its own thread
    /// meanwhile. Returns the ratio of the medians (drift on / off).
    /// </summary>
    public static Task<double> DriftAsync(ServingHarness serving, Report report, BenchModel model, TimeSpan budget)
        => OffOnAsync(
            serving,
            report,
            model,
            budget,
            new BackgroundCost("drift", """{"drift":{"sampleRate":1}}""", serving.Drift, () => serving.Monitoring.DriftObserver.DroppedCount, "calls summarised", "calls dropped (queue full)"),
            async name =>
            {
                var output = (await serving.Registry.RowAsync(name, 1))!.Outputs[0].Name;
                var line = System.Text.Encoding.UTF8.GetString(model.Simple)[..^1] + ",\"expected\":{\"" + output + "\":[[0,0]]}}";
                await serving.Registry.UploadAndRegisterAsync($"{name}/1/evaluation.jsonl", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Repeat(line, DriftBaselineLines))));
            });

    /// <summary>
    /// What a rollout's shadow at 100% costs a call to the default: the same graph registered twice, the second with a
    /// second version as its shadow, calls interleaved; the shadow runner runs the copies on its own thread meanwhile.
    /// Returns the ratio of the medians (shadow on / off).
    /// </summary>
    public static Task<double> ShadowAsync(ServingHarness serving, Report report, BenchModel model, TimeSpan budget)
        => OffOnAsync(
            serving,
            report,
            model,
            budget,
            new BackgroundCost("shadow", """{"rollout":{"shadow":{"version":2,"percent":100}}}""", serving.ShadowRunner, () => serving.Shadows.Dropped, "copies run or queued", "copies dropped (queue full)"),
            name => serving.AddVersionAsync(name, model.Graph, configJson: null, version: 2));

    /// <summary>A feature that takes copies off the request path for a background service: its config, its service, its drop counter and its table's words.</summary>
    private sealed record BackgroundCost(string Feature, string Config, Microsoft.Extensions.Hosting.IHostedService Service, Func<long> Dropped, string DoneColumn, string DroppedColumn);

    /// <summary>
    /// The same graph registered twice, without and with <paramref name="cost"/>'s config (then <paramref name="prepare"/>d),
    /// V2 binary calls interleaved while the background service runs; returns the ratio of the medians (on / off).
    /// </summary>
    private static async Task<double> OffOnAsync(ServingHarness serving, Report report, BenchModel model, TimeSpan budget, BackgroundCost cost, Func<string, Task> prepare)
    {
        var plain = await serving.AddModelAsync(model.Graph);
        var costly = await serving.AddModelAsync(model.Graph, cost.Config);
        await prepare(costly);
        var (header, binary) = model.V2Binary;
        byte[] body = [.. header, .. binary];
        var headerLength = header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var droppedBefore = cost.Dropped();
        var calls = 0;
        await cost.Service.StartAsync(CancellationToken.None);
        var timings = await Measure.InterleavedAsync(
            [
                ($"{cost.Feature} off", () => PathAsync(serving, plain, body, headerLength, serving.V2)),
                ($"{cost.Feature} on", async () =>
                {
                    await PathAsync(serving, costly, body, headerLength, serving.V2);
                    calls++;
                }),
            ],
            budget * 4,
            rounds: CaptureRounds);
        await cost.Service.StopAsync(CancellationToken.None);
        var dropped = cost.Dropped() - droppedBefore;
        var ratio = timings[1].MedianMs / timings[0].MedianMs;
        report.Table(
            ["model", $"{cost.Feature} off (ms, median)", $"{cost.Feature} on, rate 1.0 (ms, median)", "ratio", cost.DoneColumn, cost.DroppedColumn],
            [[model.Label, Report.Ms(timings[0].MedianMs), Report.Ms(timings[1].MedianMs), Report.Ratio(ratio), Report.Number(calls - dropped), Report.Number(dropped)]]);
        return ratio;
    }

    /// <summary>Lines of the drift benchmark's evaluation set (the same input each time: only the cost is measured).</summary>
    private const int DriftBaselineLines = 8;

    /// <summary>Short alternating rounds, so that the writer's flushes (every 2 s) fall on both columns alike.</summary>
    private const int CaptureRounds = 40;

    private static async Task PathAsync(ServingHarness serving, string name, byte[] body, string? headerLength, IInferenceProtocol protocol)
    {
        using var response = await serving.RunAsync(protocol, BenchModel.Wire(body, headerLength), name, version: null);
    }
}
