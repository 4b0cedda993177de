using Maas.Benchmarks;
using Maas.TestKit;
using Maas.TestKit.Azurite;
using Maas.TestKit.Serving;

// Runs every benchmark in one process on this machine and writes docs/benchmarks.md (see bench/run.sh).
var quick = args.Contains("--quick");
var budget = TimeSpan.FromSeconds(quick ? 0.5 : 3);
var report = new Report();
var azurite = new AzuriteFixture();
await azurite.InitializeAsync();
try
{
    using var serving = new ServingHarness(azurite, lookupCacheTtl: TimeSpan.FromSeconds(5));
    if (args.Contains("--batch"))
    {
        await BatchSuite.RunAsync(azurite, serving, report, quick ? 10_000 : 100_000, TimeSpan.FromSeconds(quick ? 2 : 5));
        Console.WriteLine(report.ToString());
        return;
    }

    if (args.Contains("--generation"))
    {
        await GenerationSuite.RunAsync(report, quick ? 1 : 5);
        Console.WriteLine(report.ToString());
        return;
    }

    if (args.Contains("--codec") || args.Contains("--capture") || args.Contains("--drift") || args.Contains("--shadow") || args.Contains("--registry") || args.Contains("--upload") || args.Contains("--host") || args.Contains("--openapi"))
    {
        // One section alone, printed rather than written to docs/benchmarks.md: for working on it.
        _ = args.Contains("--upload") ? await UploadSuite.RunAsync(azurite, report, quick ? 2 : 5)
            : args.Contains("--host") ? await HostPathSuite.RunAsync(serving, report, BenchmarkReport.HostCases, budget)
            : args.Contains("--openapi") ? await OpenApiSuite.RunAsync(serving, report, quick ? 100 : 1000, budget)
            : args.Contains("--codec") ? await CodecSuite.RunAsync(serving, report, Models.Classifier(), Models.Detector(), budget) as object
            : args.Contains("--capture") ? await LatencySuite.CaptureAsync(serving, report, Models.Classifier(), budget)
            : args.Contains("--drift") ? await LatencySuite.DriftAsync(serving, report, Models.Classifier(), budget)
            : args.Contains("--shadow") ? await LatencySuite.ShadowAsync(serving, report, Models.Classifier(), budget)
            : (await RegistrySuite.ReconcileAsync(azurite, report, quick ? 100 : 1000, 5), await RegistrySuite.DropToReadyAsync(azurite, report, quick));
        Console.WriteLine(report.ToString());
        return;
    }

    await BenchmarkReport.RunAsync(azurite, serving, report, budget, quick);
}
finally
{
    await azurite.DisposeAsync();
}

var output = RepoPaths.Combine("docs", "benchmarks.md");
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, report.ToString());
Console.WriteLine($"Wrote {output}");
