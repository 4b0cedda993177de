using System.Text.Json;
using Maas.TestKit;

namespace Maas.Functions.Tests;

/// <summary>
/// The Functions host wires triggers from the <c>functions.metadata</c> file that the worker SDK generates at build.
/// These tests read the file the build of <c>src/Maas.Functions</c> produced, so they prove what the host will see.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Functions = new(LoadFunctions);

    [Fact]
    public void RegisterModel_IsBlobTriggerOnWholeModelsContainer_WithModelStorageConnection()
    {
        var trigger = Trigger("RegisterModel");

        Assert.Equal("blobTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%Registry:ContainerName%/{path}", trigger.GetProperty("path").GetString());
        Assert.Equal("ModelStorage", trigger.GetProperty("connection").GetString());
        Assert.Equal("True", trigger.GetProperty("properties").GetProperty("supportsDeferredBinding").GetString());
    }

    [Fact]
    public void RegisterModelFromEventGrid_IsTheSameBlobTriggerSourcedByEventGrid_DisabledLocally()
    {
        var trigger = Trigger("RegisterModelFromEventGrid");
        using var sample = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Combine("local.settings.sample.json")));

        Assert.Equal("blobTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("EventGrid", trigger.GetProperty("source").GetString());
        Assert.Equal(Trigger("RegisterModel").GetProperty("path").GetString(), trigger.GetProperty("path").GetString());
        Assert.Equal("ModelStorage", trigger.GetProperty("connection").GetString());
        Assert.False(Trigger("RegisterModel").TryGetProperty("source", out _));
        Assert.Equal("true", sample.RootElement.GetProperty("Values").GetProperty("AzureWebJobs.RegisterModelFromEventGrid.Disabled").GetString());
        Assert.False(sample.RootElement.GetProperty("Values").TryGetProperty("AzureWebJobs.RegisterModel.Disabled", out _));
    }

    [Fact]
    public void BatchJobs_AreAnOrchestrationItsActivitiesADurableClientAndADropTrigger()
    {
        Assert.Equal("orchestrationTrigger", Trigger("RunBatch").GetProperty("type").GetString());
        foreach (var activity in new[] { "ValidateBatch", "RunBatchChunk", "RecordBatchProgress", "FinishBatch" })
        {
            Assert.Equal("activityTrigger", Trigger(activity).GetProperty("type").GetString());
        }

        Assert.Contains(Functions.Value["CreateBatch"].GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "durableClient");
        var drop = Trigger("SubmitDroppedBatch");
        Assert.Equal("blobTrigger", drop.GetProperty("type").GetString());
        Assert.Equal("%Batch:DropContainer%/{path}", drop.GetProperty("path").GetString());
        Assert.Contains(Functions.Value["SubmitDroppedBatch"].GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == "durableClient");
        using var host = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Combine("host.json")));
        Assert.Equal(2, host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("maxConcurrentActivityFunctions").GetInt32());
    }

    [Fact]
    public void RemoveModel_IsAQueueTriggerOnTheDeletionQueueSetting()
    {
        var trigger = Trigger("RemoveModel");

        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%Registry:DeletionQueueName%", trigger.GetProperty("queueName").GetString());
        Assert.Equal("ModelStorage", trigger.GetProperty("connection").GetString());
    }

    [Theory]
    [InlineData("Infer", "v2/models/{name}/infer")]
    [InlineData("InferVersion", "v2/models/{name}/versions/{version}/infer")]
    [InlineData("Predict", "models/{name}/predict")]
    [InlineData("PredictVersion", "models/{name}/versions/{version}/predict")]
    public void Predictions_AreHttpPostsOnTheirRoutes(string function, string route)
    {
        var trigger = Trigger(function);

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal(["post"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Theory]
    [InlineData("ListModels", "models", "get")]
    [InlineData("GetModel", "models/{name}", "get")]
    [InlineData("GetModelVersion", "models/{name}/versions/{version}", "get")]
    [InlineData("RepositoryIndex", "v2/repository/index", "post")]
    [InlineData("ModelMetadata", "v2/models/{name}", "get")]
    [InlineData("ModelVersionMetadata", "v2/models/{name}/versions/{version}", "get")]
    [InlineData("ModelReady", "v2/models/{name}/ready", "get")]
    [InlineData("ModelVersionReady", "v2/models/{name}/versions/{version}/ready", "get")]
    [InlineData("ModelMetrics", "models/{name}/metrics", "get")]
    [InlineData("ModelDrift", "models/{name}/drift", "get")]
    [InlineData("ModelRollout", "models/{name}/rollout", "get")]
    [InlineData("GetContract", "openapi.json", "get")]
    [InlineData("GetModelContract", "models/{name}/openapi.json", "get")]
    [InlineData("Docs", "docs", "get")]
    [InlineData("DocsAsset", "docs/{file}", "get")]
    public void Management_IsHttpOnItsRoute(string function, string route, string method)
    {
        var trigger = Trigger(function);

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void ReconcileModels_IsTimerOnScheduleSetting()
    {
        var trigger = Trigger("ReconcileModels");

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%ReconcileSchedule%", trigger.GetProperty("schedule").GetString());
    }

    [Theory]
    [InlineData("ServerMetadata", "v2")]
    [InlineData("ServerLive", "v2/health/live")]
    [InlineData("ServerReady", "v2/health/ready")]
    public void ServerEndpoints_AreAnonymousGets(string function, string route)
    {
        var trigger = Trigger(function);

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal("Anonymous", trigger.GetProperty("authLevel").GetString());
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
    }

    [Fact]
    public void AggregateMetrics_IsTimerOnScheduleSetting()
    {
        var trigger = Trigger("AggregateMetrics");

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%MetricsAggregationSchedule%", trigger.GetProperty("schedule").GetString());
    }

    [Fact]
    public void HostJson_HasEmptyRoutePrefixAndFunctionTimeout()
    {
        using var host = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Combine("host.json")));

        Assert.Equal(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.True(TimeSpan.TryParse(host.RootElement.GetProperty("functionTimeout").GetString(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.True(File.Exists(Path.Combine(FunctionsOutput, "host.json")), "host.json must be copied into the Functions output folder.");
    }

    /// <summary>
    /// The host's "Executing"/"Executed" lines for every prediction duplicate our own monitoring and cost throughput, so
    /// the prediction functions log from Warning; the rest keep Information, and so does <c>Host.Results</c>, the
    /// category Application Insights builds its request telemetry from.
    /// </summary>
    [Fact]
    public void HostJson_QuietsOnlyThePredictionFunctions_AndKeepsRequestTelemetry()
    {
        using var host = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.Combine("host.json")));
        var levels = host.RootElement.GetProperty("logging").GetProperty("logLevel").EnumerateObject()
            .ToDictionary(level => level.Name, level => level.Value.GetString());
        var predictions = Functions.Value.Keys
            .Where(function => Trigger(function).TryGetProperty("route", out var route) && route.GetString() is { } path && (path.EndsWith("/infer", StringComparison.Ordinal) || path.EndsWith("/predict", StringComparison.Ordinal)))
            .ToArray();

        Assert.Equal(4, predictions.Length);

        Assert.All(predictions, function => Assert.Equal("Warning", levels[$"Function.{function}"]));
        Assert.All(
            Functions.Value.Keys.Except(predictions),
            function => Assert.Equal("Information", levels.GetValueOrDefault($"Function.{function}", levels["Function"])));
        Assert.Equal("Information", levels["Host.Results"]);
        Assert.Contains("Request", host.RootElement.GetProperty("logging").GetProperty("applicationInsights").GetProperty("samplingSettings").GetProperty("excludedTypes").GetString()!.Split(';'));
    }

    private static JsonElement Trigger(string function)
        => Functions.Value[function].GetProperty("bindings").EnumerateArray()
            .Single(binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    /// <summary>src/Maas.Functions/bin/&lt;configuration&gt;/&lt;framework&gt;, matching the build these tests run in.</summary>
    private static string FunctionsOutput
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return RepoPaths.Combine("src", "Maas.Functions", "bin", testOutput.Parent!.Name, testOutput.Name);
        }
    }

    private static Dictionary<string, JsonElement> LoadFunctions()
    {
        var path = Path.Combine(FunctionsOutput, "functions.metadata");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.EnumerateArray()
            .ToDictionary(function => function.GetProperty("name").GetString()!, function => function.Clone());
    }
}
