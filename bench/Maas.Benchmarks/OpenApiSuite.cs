using System.Diagnostics;
using Maas.Core.Models;
using Maas.Core.Protocol.OpenApi;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.OpenApi;

namespace Maas.Benchmarks;

/// <summary>
/// The OpenAPI documents with many models: the service document's size and build time (it lists each model in one
/// short entry), and a model's document built once, then served from the cache until the registry changes.
/// </summary>
internal static class OpenApiSuite
{
    public const double MaxServiceDocumentBytes = 1024 * 1024;
    public const double MaxServiceDocumentBuildMs = 50;

    public static async Task<(double Bytes, double BuildMs, double ServedMs, double ModelBuildMs, double ModelCachedMs)> RunAsync(ServingHarness serving, Report report, int models, TimeSpan budget)
    {
        // Rows like a model zoo's: an image classifier's signature, a description, two versions each.
        var rows = Enumerable.Range(0, models).SelectMany(i => Enumerable.Range(1, 2).Select(version => ModelRecords.Ready(
            [TensorSignature.Tensor("pixels", TensorElementType.Float, -1, 3, 224, 224)],
            [TensorSignature.Tensor("scores", TensorElementType.Float, -1, 1000)],
            $"zoo-{i:D4}",
            version) with { Config = ModelConfig.Default with { Description = $"Image classifier number {i} of the zoo" } })).ToList();
        var json = await OpenApiContract.Build(rows, security: null).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1);
        var build = await Measure.LatencyAsync("service document", () => OpenApiContract.Build(rows, security: null).SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1), budget, minCalls: 10);

        // The same rows in the registry: the served document reads them (one table query) and returns the cached build.
        await Task.WhenAll(rows.Select(row => serving.Registry.Store.WriteAsync(row with { Name = $"{row.Name}-{serving.GetHashCode():x}" }, expected: null, CancellationToken.None)));
        using var documents = new OpenApiDocuments(serving.Catalog);
        await documents.GetJsonAsync(null, null, CancellationToken.None);
        var served = await Measure.LatencyAsync("served", () => documents.GetJsonAsync(null, null, CancellationToken.None), budget, minCalls: 10);
        var model = rows[0].Name + $"-{serving.GetHashCode():x}";
        var started = Stopwatch.GetTimestamp();
        await documents.GetJsonAsync(model, null, CancellationToken.None);
        var modelBuildMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var cached = await Measure.LatencyAsync("model document, cached", () => documents.GetJsonAsync(model, null, CancellationToken.None), budget, minCalls: 10);

        report.Table(
            ["models", "service document", "built (ms, median)", "served from the registry (ms, median)", "a model's document: first request (ms)", "then, cached (ms, median)"],
            [[$"{models:N0} × 2 versions", $"{json.Length / 1024} KiB", Report.Ms(build.MedianMs), Report.Ms(served.MedianMs), Report.Ms(modelBuildMs), Report.Ms(cached.MedianMs)]]);
        return (json.Length, build.MedianMs, served.MedianMs, modelBuildMs, cached.MedianMs);
    }
}
