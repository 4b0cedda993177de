using Maas.TestKit.Azurite;
using Maas.TestKit.Hosting;
using Maas.TestKit.Serving;

namespace Maas.TestKit.Generation;

/// <summary>
/// The tiny GPT-2 registered from a model folder, the app's functions on a loopback port, and a forwarder shaped like
/// the Functions host in front: what the generative APIs' HTTP tests call through <see cref="Client"/>.
/// </summary>
public sealed class GenerativeApp : IAsyncDisposable
{
    private GenerativeApp(ServingHarness serving, LoopbackApp app, FunctionsHostForwarder host, string model)
    {
        Serving = serving;
        App = app;
        Host = host;
        Model = model;
        Client = new HttpClient { BaseAddress = host.BaseAddress };
    }

    public ServingHarness Serving { get; }

    public LoopbackApp App { get; }

    public FunctionsHostForwarder Host { get; }

    /// <summary>The registered tiny GPT-2's name.</summary>
    public string Model { get; }

    /// <summary>Calls the app through the host-shaped forwarder.</summary>
    public HttpClient Client { get; }

    public static async Task<GenerativeApp> StartAsync(AzuriteFixture azurite)
    {
        var serving = new ServingHarness(azurite);
        try
        {
            var model = await serving.AddModelFolderAsync(TinyGpt2.Graph(), TinyGpt2.TokenizerFiles(), TinyGpt2.Config);
            var app = await LoopbackApp.StartAsync(serving);
            return new GenerativeApp(serving, app, await FunctionsHostForwarder.StartAsync(app.BaseAddress), model);
        }
        catch
        {
            serving.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await App.DisposeAsync();
        Serving.Dispose();
    }
}
