using Azure.Storage.Blobs;
using Maas.TestKit;
using Maas.TestKit.Azurite;
using Maas.TestKit.Hosting;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using TrainEvaluateRegister;
using Xunit.Abstractions;

namespace Maas.Functions.Tests.Samples;

/// <summary>
/// Runs samples/TrainEvaluateRegister end to end on Azurite against the app's functions on a loopback port: ML.NET
/// training on the real UCI files (fetched by scripts/test.sh), ONNX export, upload, registration with evaluation,
/// the simple API.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class TrainEvaluateRegisterTests(AzuriteFixture azurite, ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan WaitBound = TimeSpan.FromMinutes(5);

    private readonly ServingHarness _serving = new(azurite, registry: options => options.LookupCacheTtl = TimeSpan.Zero);

    [Fact]
    public async Task Sample_TwoDataSets_ServiceMeasuresWhatTheSampleMeasuredAndKeepsTheBetterVersion()
    {
        var data = RepoPaths.Combine(".data", "sklearn");
        Assert.True(File.Exists(Path.Combine(data, "breast_cancer.csv")), $"No data in {data}: scripts/test.sh fetches it with samples/TrainEvaluateRegister/fetch-data.sh.");
        await using var app = await LoopbackApp.StartAsync(_serving);
        await using var pump = RegistrationPump.Start(_serving.Registry);
        var settings = new SampleArguments(data, azurite.ConnectionString, _serving.Registry.Options.ContainerName, app.BaseAddress, AzuriteFixture.UniqueName("s"), TimeSpan.FromMilliseconds(50), WaitBound, Seed: 1);
        using var api = ModelService.CreateApiClient(app.BaseAddress);
        var service = new ModelService(new BlobContainerClient(settings.Storage, settings.Container), api, settings.PollInterval, settings.WaitTimeout);
        using var output = new StringWriter();

        IReadOnlyList<DataSetOutcome> outcomes;
        try
        {
            outcomes = await Sample.RunAsync(settings, service, output, CancellationToken.None);
        }
        finally
        {
            log.WriteLine(output.ToString());
        }

        Assert.Equal([settings.Prefix + "breast-cancer", settings.Prefix + "digits"], outcomes.Select(o => o.Model));
        foreach (var outcome in outcomes)
        {
            // Same predictions, same matrix: the service's ONNX Runtime evaluation of the held-out rows equals ML.NET's.
            Assert.Equal(outcome.HeldOut.ConfusionMatrix, outcome.ServiceConfusionMatrix);
            Assert.Equal(outcome.HeldOut.Accuracy, outcome.ServiceAccuracy, 12);
            Assert.True(outcome.HeldOut.Accuracy >= 0.9, $"{outcome.Model} held-out accuracy {outcome.HeldOut.Accuracy}");
            Assert.Equal((1L, 2L), (outcome.Version, outcome.WeakVersion));
            Assert.Equal("rejected", outcome.WeakPromotionState);
            Assert.StartsWith("accuracy ", outcome.WeakPromotionReason, StringComparison.Ordinal);
            Assert.Equal((1L, 1L), (outcome.DefaultVersionAfterWeak, outcome.VersionServingAfterWeak));
            Assert.True(Sample.ShowsTheContract(outcome));
        }

        Assert.True(outcomes[0].PredictedClass is "benign" or "malignant", outcomes[0].PredictedClass);
        Assert.Contains("confusion matrix identical to the sample's", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, (await _serving.Registry.Evaluations.GetBlobsAsync().ToListAsync()).Count(blob => blob.Name.StartsWith(settings.Prefix + "breast-cancer/", StringComparison.Ordinal)));
    }

    public void Dispose() => _serving.Dispose();
}
