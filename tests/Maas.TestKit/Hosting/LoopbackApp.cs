using Maas.Core.Errors;
using Maas.Core.Protocol.OpenApi;
using Maas.Functions.Auth;
using Maas.Functions.Functions;
using Maas.Functions.Hosting;
using Maas.Functions.Http;
using Maas.TestKit.Batch;
using Maas.TestKit.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Maas.TestKit.Hosting;

/// <summary>
/// The app's HTTP functions over a <see cref="ServingHarness"/>, on a loopback Kestrel port, routed as the Functions host
/// routes them (the host cannot run here; auth is off, as with <c>Auth:Mode</c> Disabled): each route calls the function
/// class's method with the real request and executes its result; expected failures are answered by the app's one error
/// map. For clients that call the app over HTTP: the browser tests, the samples, the CLI.
/// </summary>
public sealed class LoopbackApp(WebApplication app) : IAsyncDisposable
{
    public Uri BaseAddress { get; } = new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <param name="routes">Further routes beside the app's (a benchmark's bare function, say).</param>
    /// <param name="batches">Batch jobs to serve the Batch API (<c>/v1/files</c>, <c>/v1/batches</c>) over; without it those routes are absent.</param>
    public static async Task<LoopbackApp> StartAsync(ServingHarness serving, Action<WebApplication>? routes = null, BatchHarness? batches = null)
    {
        ArgumentNullException.ThrowIfNull(serving);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddMvcCore();
        builder.Services.AddSingleton(Options.Create(serving.Limits));
        builder.Services.AddRequestBodyLimit();
        var app = builder.Build();

        var security = new ApiSecurity(Options.Create(new AuthOptions { Mode = AuthMode.Disabled }), new ConfigurationBuilder().Build());
        var contract = new ApiContract(new OpenApiDocuments(serving.Catalog), security);
        var predict = new Predict(serving.Inference, serving.Simple);
        var infer = new Infer(serving.Inference, serving.V2);
        var management = new ModelIndex(serving.Catalog);
        var metrics = new ModelMetrics(serving.MetricsQuery);
        var drift = new ModelDrift(serving.DriftQuery);
        var rollout = new ModelRollout(serving.RolloutQuery);
        var metadata = new ModelMetadata(serving.Catalog);
        var openAi = new OpenAi(serving.OpenAi);
        var generate = new Generate(serving.Generate);

        app.MapGet("/docs", Handle(http => Task.FromResult(contract.Docs(http.Request))));
        var dashboard = new MonitoringDashboard(security);
        app.MapGet("/dashboard", Handle(http => Task.FromResult(dashboard.Dashboard(http.Request))));
        app.MapGet("/docs/{file}", Handle(http => Task.FromResult(contract.DocsAsset(http.Request, Route(http, "file")))));
        app.MapGet("/openapi.json", Handle(http => contract.GetContract(http.Request)));
        app.MapGet("/models/{name}/openapi.json", Handle(http => contract.GetModelContract(http.Request, Route(http, "name"))));
        app.MapPost("/models/{name}/predict", Handle(http => predict.Run(http.Request, Route(http, "name"))));
        app.MapPost("/models/{name}/versions/{version}/predict", Handle(http => predict.PredictVersion(http.Request, Route(http, "name"), Route(http, "version"))));
        app.MapPost("/v2/models/{name}/infer", Handle(http => infer.Run(http.Request, Route(http, "name"))));
        app.MapPost("/v2/models/{name}/versions/{version}/infer", Handle(http => infer.InferVersion(http.Request, Route(http, "name"), Route(http, "version"))));
        app.MapGet("/v2/models/{name}", Handle(http => metadata.Run(http.Request, Route(http, "name"))));
        app.MapGet("/v2/models/{name}/versions/{version}", Handle(http => metadata.ModelVersionMetadata(http.Request, Route(http, "name"), Route(http, "version"))));
        app.MapGet("/models", Handle(http => management.ListModels(http.Request)));
        app.MapGet("/models/{name}", Handle(http => management.GetModel(http.Request, Route(http, "name"))));
        app.MapGet("/models/{name}/versions/{version}", Handle(http => management.GetModelVersion(http.Request, Route(http, "name"), Route(http, "version"))));
        app.MapGet("/models/{name}/evaluations", Handle(http => management.GetModelEvaluations(http.Request, Route(http, "name"))));
        app.MapGet("/models/{name}/versions/{version}/evaluation", Handle(http => management.GetModelVersionEvaluation(http.Request, Route(http, "name"), Route(http, "version"))));
        app.MapGet("/models/{name}/metrics", Handle(http => metrics.Run(http.Request, Route(http, "name"))));
        app.MapGet("/models/{name}/drift", Handle(http => drift.Run(http.Request, Route(http, "name"))));
        app.MapGet("/models/{name}/rollout", Handle(http => rollout.Run(http.Request, Route(http, "name"))));
        app.MapPost("/v1/chat/completions", Handle(http => openAi.CreateChatCompletion(http.Request)));
        app.MapPost("/v1/completions", Handle(http => openAi.CreateCompletion(http.Request)));
        app.MapPost("/v1/embeddings", Handle(http => openAi.CreateEmbeddings(http.Request)));
        app.MapGet("/v1/models", Handle(http => openAi.ListOpenAiModels(http.Request)));
        app.MapGet("/v1/models/{name}", Handle(http => openAi.GetOpenAiModel(http.Request, Route(http, "name"))));
        app.MapGet("/v1/models/{name}/versions/{version}", Handle(http => openAi.GetOpenAiModelVersion(http.Request, Route(http, "name"), Route(http, "version"))));
        app.MapPost("/v2/models/{name}/generate", Handle(http => generate.Run(http.Request, Route(http, "name"))));
        app.MapPost("/v2/models/{name}/versions/{version}/generate", Handle(http => generate.GenerateVersion(http.Request, Route(http, "name"), Route(http, "version"))));
        app.MapPost("/v2/models/{name}/generate_stream", Handle(http => generate.GenerateStream(http.Request, Route(http, "name"))));
        app.MapPost("/v2/models/{name}/versions/{version}/generate_stream", Handle(http => generate.GenerateStreamVersion(http.Request, Route(http, "name"), Route(http, "version"))));
        if (batches is not null)
        {
            var api = new Batches(batches.Api);
            app.MapPost("/v1/files", Handle(http => api.UploadFile(http.Request)));
            app.MapGet("/v1/files/{id}", Handle(http => api.GetFile(http.Request, Route(http, "id"))));
            app.MapGet("/v1/files/{id}/content", Handle(http => api.GetFileContent(http.Request, Route(http, "id"))));
            app.MapDelete("/v1/files/{id}", Handle(http => api.DeleteFile(http.Request, Route(http, "id"))));
            app.MapPost("/v1/batches", Handle(http => api.CreateBatch(http.Request, batches.Durable)));
            app.MapGet("/v1/batches", Handle(http => api.ListBatches(http.Request)));
            app.MapGet("/v1/batches/{id}", Handle(http => api.GetBatch(http.Request, Route(http, "id"))));
            app.MapPost("/v1/batches/{id}/cancel", Handle(http => api.CancelBatch(http.Request, Route(http, "id"))));
        }

        routes?.Invoke(app);
        await app.StartAsync();
        return new LoopbackApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static string Route(HttpContext http, string key) => (string)http.GetRouteValue(key)!;

    private static RequestDelegate Handle(Func<HttpContext, Task<IActionResult>> function) => http => RunAsync(http, function);

    private static async Task RunAsync(HttpContext http, Func<HttpContext, Task<IActionResult>> function)
    {
        try
        {
            await (await function(http)).ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
        }
        catch (MaasException error)
        {
            await ErrorResponses.WriteAsync(http.Response, error);
        }
    }
}
