using System.Diagnostics;
using System.Globalization;
using System.Text;
using Maas.Core.Batch;
using Maas.TestKit.Azurite;
using Maas.TestKit.Batch;
using Maas.TestKit.Hosting;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Benchmarks;

/// <summary>
/// Batch jobs against the same lines sent as HTTP calls, and a live caller while a batch runs. The model is the test
/// kit's iris-shaped linear layer (4 features in, 3 scores out) with <c>maxBatchSize</c> 64, so a batch concatenates
/// consecutive lines into runs of 64 rows; the HTTP calls go through the host-shaped forwarder to the app's functions.
/// </summary>
internal static class BatchSuite
{
    public const double MinBatchGain = 5;
    public const double MaxLiveP99Ratio = 1.5;
    private const int HttpCallers = 8;
    private const string Config = """{"maxBatchSize": 64}""";
    private const int LoadFactor = 2;

    public static async Task<(double BatchPerSecond, double HttpPerSecond, double IdleP99Ms, double LoadedP99Ms, bool StillRunning)> RunAsync(AzuriteFixture azurite, ServingHarness serving, Report report, int lines, TimeSpan liveDuration)
    {
        var model = await serving.AddModelAsync(TestModels.Linear(), Config);
        var endpoint = $"/models/{model}/predict";
        var bodies = IrisShaped.Rows(lines).Select(row => $$"""{"input": [[{{string.Join(", ", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}}]]}""").ToArray();
        var jsonl = bodies.Select((body, i) => $$"""{"custom_id": "row-{{i}}", "method": "POST", "url": "{{endpoint}}", "body": {{body}}}""").ToArray();
        // One instance with one activity slot runs one chunk at a time, so more in flight gains nothing here; and the
        // in-process test host delays each completion by about 250 ms while several activities are outstanding.
        await using var batches = await BatchHarness.StartAsync(serving, azurite, options => (options.MaxParallelChunks, options.MaxLines) = (1, LoadFactor * lines));
        await using var app = await LoopbackApp.StartAsync(serving, batches: batches);
        await using var host = await FunctionsHostForwarder.StartAsync(app.BaseAddress);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };

        // Warm up both paths alike (a tenth of the lines each), so that neither is measured while the JIT is still at work.
        await batches.RunAsync(endpoint, jsonl.Take(lines / 10).Select(line => line.Replace("\"row-", "\"warm-", StringComparison.Ordinal)));
        await HttpAsync(client, endpoint, bodies.Take(lines / 10).ToArray());

        var started = Stopwatch.GetTimestamp();
        var batch = await batches.RunAsync(endpoint, jsonl);
        var batchSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (batch.Counts.Completed != lines)
        {
            throw new InvalidOperationException($"The benchmark batch completed {batch.Counts.Completed} of {lines} lines.");
        }

        started = Stopwatch.GetTimestamp();
        await HttpAsync(client, endpoint, bodies);
        var httpSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // A live caller alone, then while a batch twice as long runs on this instance (calls counted only while it runs).
        var live = bodies[0];
        Task Call() => PostAsync(client, endpoint, live);
        var idle = await Measure.ThroughputAsync(1, Call, liveDuration);
        var running = await batches.SubmitAsync(endpoint, Enumerable.Range(0, LoadFactor).SelectMany(round => jsonl.Select(line => line.Replace("\"row-", $"\"r{round}-", StringComparison.Ordinal))));
        while ((await batches.Store.GetAsync(running.Owner, running.Id, CancellationToken.None))!.Status == BatchStatus.Validating)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }

        var loadedLatencies = new List<double>();
        var (g0, pause) = (GC.CollectionCount(0), GC.GetTotalPauseDuration());
        var stopAt = Stopwatch.GetTimestamp() + (long)(liveDuration.TotalSeconds * Stopwatch.Frequency);
        var stillRunning = true;
        while (Stopwatch.GetTimestamp() < stopAt && (stillRunning = (await batches.Store.GetAsync(running.Owner, running.Id, CancellationToken.None))!.Status == BatchStatus.InProgress))
        {
            for (var i = 0; i < 20; i++)
            {
                var begin = Stopwatch.GetTimestamp();
                await Call();
                loadedLatencies.Add(Stopwatch.GetElapsedTime(begin).TotalMilliseconds);
            }
        }

        var loaded = (P99Ms: Timing.From("loaded", loadedLatencies).P99Ms, Calls: loadedLatencies.Count);
        var collections = GC.CollectionCount(0) - g0;
        var paused = (GC.GetTotalPauseDuration() - pause).TotalMilliseconds;
        var loadedTiming = Timing.From("loaded", loadedLatencies);
        if (stillRunning)
        {
            await batches.Jobs.CancelAsync(running.Owner, running.Id, CancellationToken.None);
        }

        await batches.WaitAsync(running.Id);

        var batchRate = lines / batchSeconds;
        var httpRate = lines / httpSeconds;
        report.Table(
            ["path", $"{lines:N0} lines", "lines/s"],
            [
                ["batch job (upload, validation, chunks of 10,000 on 1 activity slot, output file)", $"{batchSeconds:0.00} s", Report.Number(batchRate)],
                [$"HTTP calls, {HttpCallers} callers, simple API through the host-shaped forwarder", $"{httpSeconds:0.00} s", Report.Number(httpRate)],
            ]);
        report.Line($"A live caller (one caller, simple API, through the forwarder): p99 {Report.Ms(idle.P99Ms)} ms alone over {liveDuration.TotalSeconds:0} s; p99 {Report.Ms(loaded.P99Ms)} ms, p90 {Report.Ms(loadedTiming.P90Ms)} ms, median {Report.Ms(loadedTiming.MedianMs)} ms over {loaded.Calls:N0} calls made while a {LoadFactor * lines:N0}-line batch ran on the same instance ({(stillRunning ? $"still running after {liveDuration.TotalSeconds:0} s" : "until it ended")}). The garbage collector paused the process {paused:0} ms in {collections} collections meanwhile (this suite runs the blocking workstation collector, and holds the {lines:N0} lines three times over as strings).");
        report.Line();
        return (batchRate, httpRate, idle.P99Ms, loaded.P99Ms, stillRunning);
    }

    private static async Task HttpAsync(HttpClient client, string endpoint, string[] bodies)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, HttpCallers).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < bodies.Length)
            {
                await PostAsync(client, endpoint, bodies[index]);
            }
        })));
    }

    private static async Task PostAsync(HttpClient client, string endpoint, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(endpoint, content);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
    }
}
