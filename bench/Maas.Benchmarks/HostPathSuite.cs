using System.Net.Http.Headers;
using Maas.Core.Protocol.V2;
using Maas.TestKit.Hosting;
using Maas.TestKit.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Benchmarks;

/// <summary>
/// The path a caller takes on Azure, shaped here: a YARP forwarder like the Functions host's in front of the app's HTTP
/// functions on Kestrel. Beside ours, a bare function that only reads the body and answers as many bytes as ours does:
/// the floor the host and the HTTP stack set. Ours should cost no more than the floor plus the model's run (× 1.1) plus
/// 0.5 ms.
/// </summary>
internal static class HostPathSuite
{
    /// <summary>What our overhead over the floor and the run may be, in milliseconds.</summary>
    public const double AllowedOverheadMs = 0.5;

    public static async Task<List<(string Case, Timing Floor, Timing Run, Timing Ours)>> RunAsync(ServingHarness serving, Report report, IReadOnlyList<(string Case, BenchModel Model)> cases, TimeSpan budget)
    {
        await using var app = await LoopbackApp.StartAsync(serving, routes => routes.MapPost("/bare", BareAsync));
        await using var host = await FunctionsHostForwarder.StartAsync(app.BaseAddress);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var results = new List<(string, Timing, Timing, Timing)>();
        var sizes = new List<(long In, long Out)>();
        foreach (var (label, model) in cases)
        {
            var name = await serving.AddModelAsync(model.Graph);
            var (header, binary) = model.V2Binary;
            byte[] body = [.. header, .. binary];
            var headerLength = header.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var answered = await PostAsync(client, $"/v2/models/{name}/infer", body, headerLength);
            var record = await serving.Registry.Resolver.ResolveAsync(name, null, CancellationToken.None);
            using var lease = await serving.Sessions.AcquireAsync(record, CancellationToken.None);
            var values = model.Inputs.Select(i => i.ToOrtValue()).ToArray();
            var inputNames = model.Inputs.Select(i => i.Name).ToArray();
            var outputNames = lease.Session.OutputNames.ToArray();
            var timings = await Measure.InterleavedAsync(
                [
                    ("floor", () => PostAsync(client, $"/bare?respond={answered}", body, headerLength)),
                    ("run", () =>
                    {
                        using var runOptions = new RunOptions();
                        using var outputs = lease.Session.Run(runOptions, inputNames, values, outputNames);
                        return Task.CompletedTask;
                    }),
                    ("ours", () => PostAsync(client, $"/v2/models/{name}/infer", body, headerLength)),
                ],
                budget * 4);
            foreach (var value in values)
            {
                value.Dispose();
            }

            results.Add((label, timings[0], timings[1], timings[2]));
            sizes.Add((body.Length, answered));
            await serving.Metrics.FlushAsync(CancellationToken.None);
        }

        report.Table(
            ["request", "in / out", "floor: bare function (ms)", "raw Run (ms)", "ours, V2 binary (ms)", "ours − floor − Run (ms)", "bound: floor + 1.1 × Run + 0.5 (ms)"],
            results.Select((r, i) => new[]
            {
                r.Item1, $"{sizes[i].In / 1024} KiB / {sizes[i].Out / 1024} KiB", Report.Ms(r.Item2.MedianMs), Report.Ms(r.Item3.MedianMs), Report.Ms(r.Item4.MedianMs),
                Report.Ms(r.Item4.MedianMs - r.Item2.MedianMs - r.Item3.MedianMs), Report.Ms(Bound(r.Item2, r.Item3)),
            }));
        return results;
    }

    public static double Bound(Timing floor, Timing run) => floor.MedianMs + (1.1 * run.MedianMs) + AllowedOverheadMs;

    /// <summary>Posts a V2 binary request and reads the whole answer; returns its length.</summary>
    private static async Task<long> PostAsync(HttpClient client, string path, byte[] body, string headerLength)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(V2InferenceProtocol.HeaderContentLengthName, headerLength);
        using var response = await client.PostAsync(path, content);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync()).LongLength;
    }

    /// <summary>The bare function: reads the body to its end and answers <c>respond</c> zero bytes.</summary>
    private static async Task BareAsync(HttpContext http)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await http.Request.Body.ReadAsync(buffer) > 0)
            {
            }

            var respond = int.Parse(http.Request.Query["respond"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = respond;
            Array.Clear(buffer);
            for (var left = respond; left > 0; left -= Math.Min(left, buffer.Length))
            {
                await http.Response.Body.WriteAsync(buffer.AsMemory(0, Math.Min(left, buffer.Length)));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
