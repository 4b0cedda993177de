using Maas.TestKit.Azurite;
using Maas.TestKit.Batch;
using Maas.TestKit.Hosting;
using Maas.TestKit.Serving;

namespace Maas.TestKit.Generation;

/// <summary>
/// The tiny GPT-2 registered from a model folder, the app's functions on a loopback port, and a forwarder shaped like
/// the Functions host in front: what the generative APIs' HTTP tests call through <see cref="Client"/>.
/// </summary>
public sealed class GenerativeApp : IAsyncDisposable
{
    private GenerativeApp(ServingHarness serving, LoopbackApp app, FunctionsHostForwarder host, string model, BatchHarness? batches)
    {
        Batches = batches;
        Serving = serving;
        App = app;
        Host = host;
        Model = model;
        Client = new HttpClient { BaseAddress = host.BaseAddress };
    }

    public ServingHarness Serving { get; }

    /// <summary>The batch jobs the app serves the Batch API over, when started with them.</summary>
    public BatchHarness? Batches { get; }

    public LoopbackApp App { get; }

    public FunctionsHostForwarder Host { get; }

    /// <summary>The registered tiny GPT-2's name.</summary>
    public string Model { get; }

    /// <summary>Calls the app through the host-shaped forwarder.</summary>
    public HttpClient Client { get; }

    /// <param name="batches">Whether the app also serves the Batch API (batch jobs on the Durable Task SDK's in-process test host).</param>
    public static async Task<GenerativeApp> StartAsync(AzuriteFixture azurite, bool batches = false)
    {
        var serving = new ServingHarness(azurite);
        BatchHarness? jobs = null;
        try
        {
            var model = await serving.AddModelFolderAsync(TinyGpt2.Graph(), TinyGpt2.TokenizerFiles(), TinyGpt2.Config);
            jobs = batches ? await BatchHarness.StartAsync(serving, azurite) : null;
            var app = await LoopbackApp.StartAsync(serving, batches: jobs);
            return new GenerativeApp(serving, app, await FunctionsHostForwarder.StartAsync(app.BaseAddress), model, jobs);
        }
        catch
        {
            if (jobs is not null)
            {
                await jobs.DisposeAsync();
            }

            serving.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await App.DisposeAsync();
        if (Batches is not null)
        {
            await Batches.DisposeAsync();
        }

        Serving.Dispose();
    }
}
