using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Maas.Core.Errors;
using Maas.Core.Serving;
using Maas.TestKit.Azurite;
using Maas.TestKit.Generation;
using Maas.TestKit.Hosting;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Maas.Functions.Tests.Functions;

/// <summary>
/// The dashboard in a real headless Chromium against the app's functions on a loopback port: recorded traffic is rolled
/// up, the page draws it, and what it plotted is checked against the metrics API's own answer.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DashboardPageBrowserTests(AzuriteFixture azurite) : IDisposable
{
    /// <summary>How long the page may take to draw: a bound for the wait, not an assertion on speed.</summary>
    private static readonly TimeSpan RenderBound = TimeSpan.FromSeconds(60);

    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task Dashboard_RecordedTraffic_PlotsTheMetricsApisNumbers()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        var alice = Caller.Anonymous with { AppId = "alice-app" };
        var bob = Caller.Anonymous with { AppId = "bob-app" };
        for (var i = 0; i < 5; i++)
        {
            using var response = await _serving.PredictAsync(name, """{"input": [[1, 2, 3, 4]]}""", caller: i < 3 ? alice : bob);
        }

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<MaasException>(() => _serving.PredictAsync(name, """{"input": [[1, 2]]}""", caller: bob));
        }

        await using var app = await RollUpAndServeAsync();
        var api = await MinuteMetricsAsync(app, name);
        using var browser = Chromium.Start();

        await OpenDashboardAsync(browser, app, name);
        var plotted = JsonNode.Parse((string?)((IJavaScriptExecutor)browser).ExecuteScript("""
            const c = window.maasDashboard.charts;
            const series = id => c[id].data.datasets.map(d => d.data.map(p => p.y));
            return JSON.stringify({
              times: c["chart-requests"].data.datasets[0].data.map(p => p.x), axis: c["chart-latency"].options.scales.x.type,
              requests: series("chart-requests"), latency: series("chart-latency"), batch: series("chart-batch"),
              cold: series("chart-cold"), callers: { labels: c["chart-callers"].data.labels, values: c["chart-callers"].data.datasets[0].data },
              status: document.getElementById("maas-status").textContent });
            """) ?? "null")!;
        browser.SaveScreenshot("dashboard", "dashboard.png");

        var points = api["points"]!.AsArray().Select(p => p!).ToList();
        Assert.Equal(7, points.Sum(p => (long)p["requests"]!));
        Assert.Equal(points.Select(p => (double)p["requests"]!), Values(plotted["requests"]![0]!));
        Assert.Equal(points.Select(p => (double)p["requests"]! - (double)p["outcomes"]!["ok"]!), Values(plotted["requests"]![1]!));
        Assert.Equal(2, Values(plotted["requests"]![1]!).Sum());
        Assert.Equal(points.Select(p => (double)p["latencyMs"]!["p95"]!), Values(plotted["latency"]![1]!));
        Assert.Equal(points.Select(p => (double)p["meanBatchSize"]!), Values(plotted["batch"]![0]!));
        // Every call that ran had one row; the two refused calls do not pull the mean down (5/7 before).
        Assert.All(Values(plotted["batch"]![0]!), mean => Assert.Equal(1.0, mean));
        // Each point sits at its own time (ms since the epoch) on a linear axis: minutes without traffic leave gaps.
        Assert.Equal("linear", (string?)plotted["axis"]);
        Assert.Equal(points.Select(p => (double)DateTimeOffset.Parse((string)p["time"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds()), Values(plotted["times"]!));
        Assert.Equal(points.Select(p => (double)p["coldLoads"]!), Values(plotted["cold"]![0]!));
        var callers = plotted["callers"]!["labels"]!.AsArray().Select(l => (string)l!).Zip(Values(plotted["callers"]!["values"]!)).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(new Dictionary<string, double> { ["alice-app"] = 3, ["bob-app"] = 4 }, callers);
        Assert.StartsWith($"{name}: 7 requests", (string?)plotted["status"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_GenerativeTraffic_PlotsTokensAndTimeToFirstTokenFromTheMetricsApi()
    {
        var name = await _serving.AddModelFolderAsync(TinyGpt2.Graph(), TinyGpt2.TokenizerFiles(), TinyGpt2.Config);
        for (var i = 0; i < 3; i++)
        {
            await _serving.CompleteAsync($$"""{"model": "{{name}}", "prompt": "The quick brown fox", "max_tokens": {{5 + i}}}""", chat: false);
        }

        await using var app = await RollUpAndServeAsync();
        var api = await MinuteMetricsAsync(app, name);
        using var browser = Chromium.Start();

        await OpenDashboardAsync(browser, app, name);
        var plotted = JsonNode.Parse((string?)((IJavaScriptExecutor)browser).ExecuteScript("""
            const c = window.maasDashboard.charts;
            const series = id => c[id].data.datasets.map(d => d.data.map(p => p.y));
            return JSON.stringify({ tokens: series("chart-tokens"), ttft: series("chart-ttft"), shown: !document.getElementById("tokens-section").hidden });
            """) ?? "null")!;
        browser.SaveScreenshot("dashboard", "dashboard-tokens.png");

        var points = api["points"]!.AsArray().Select(p => p!).ToList();
        Assert.True((bool)plotted["shown"]!);
        Assert.Equal(12, points.Sum(p => (long)p["promptTokens"]!));
        Assert.Equal(18, points.Sum(p => (long)p["completionTokens"]!));
        Assert.Equal(points.Select(p => (double)p["promptTokens"]!), Values(plotted["tokens"]![0]!));
        Assert.Equal(points.Select(p => (double)p["completionTokens"]!), Values(plotted["tokens"]![1]!));
        Assert.Equal(points.Select(p => (double)p["timeToFirstTokenMs"]!["p50"]!), Values(plotted["ttft"]![0]!));
    }

    [Fact]
    public async Task Dashboard_DriftedModel_DrawsTheDriftApisFiguresAsAHeatmap()
    {
        // An identity model whose evaluation set has features 1 … 10 and 10 … 100; the live calls shift the first only.
        _serving.Monitoring.DriftOptions.MinimumValues = 100;
        var name = await _serving.AddModelAsync(TestModels.Identity(Onnx.TensorProto.Types.DataType.Float), """{"drift": {"sampleRate": 1, "features": "feature"}}""");
        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/evaluation.jsonl", EvaluationSets.TenRows());
        var rows = string.Join(", ", Enumerable.Range(1, 10).Select(i => $"[{i + 20}, {i * 10}]"));
        for (var i = 0; i < 10; i++)
        {
            using var response = await _serving.PredictAsync(name, $"{{\"input\": [{rows}]}}");
        }

        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        await using var app = await LoopbackApp.StartAsync(_serving);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = (await http.GetFromJsonAsync<JsonNode>($"/models/{name}/drift"))!;
        using var browser = Chromium.Start();

        await OpenDashboardAsync(browser, app, name);
        var cells = JsonNode.Parse((string?)((IJavaScriptExecutor)browser).ExecuteScript("return JSON.stringify(window.maasDashboard.driftCells)") ?? "null")!.AsArray();
        var outlined = (long)((IJavaScriptExecutor)browser).ExecuteScript("return document.querySelectorAll('#maas-drift td.flagged').length")!;
        browser.SaveScreenshot("dashboard", "dashboard-drift.png");

        var expected = api["tensors"]!.AsArray().SelectMany(t => t!["hours"]![0]!["features"]!.AsArray().Select(f => ($"{t["side"]} {t["name"]}[{f!["feature"]}]", (double)f["psi"]!, (bool)f["flagged"]!))).ToList();
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, cells.Select(c => ($"{c!["side"]} {c["name"]}[{c["feature"]}]", (double)c["psi"]!, (bool)c["flagged"]!)));
        // The shifted first feature (of input and output alike) is flagged; the unshifted second is not.
        Assert.Equal([true, false, true, false], expected.Select(e => e.Item3));
        Assert.Equal(2, outlined);
    }

    [Fact]
    public async Task Dashboard_ModelWithACanary_ShowsTheVersionsSideBySideAsTheRolloutApiHasThem()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear());
        await _serving.AddVersionAsync(name, TestModels.Linear(), """{"rollout": {"canary": {"version": 2, "percent": 50}, "gates": {"p95Ms": {"max": 0.001}}, "rollback": false}}""", version: 2);
        for (var i = 0; i < 40; i++)
        {
            using var response = await _serving.PredictAsync(name, """{"input": [[1, 2, 3, 4]]}""", caller: new Caller("app", $"oid-{i}", new HashSet<string>(), new HashSet<string>()));
        }

        await using var app = await RollUpAndServeAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var api = (await http.GetFromJsonAsync<JsonNode>($"/models/{name}/rollout"))!;
        using var browser = Chromium.Start();

        await OpenDashboardAsync(browser, app, name);
        var rows = JsonNode.Parse((string?)((IJavaScriptExecutor)browser).ExecuteScript("return JSON.stringify(window.maasDashboard.rolloutRows)") ?? "null")!.AsArray();
        var text = (string?)((IJavaScriptExecutor)browser).ExecuteScript("return document.getElementById('maas-rollout').textContent");
        browser.SaveScreenshot("dashboard", "dashboard-rollout.png");

        var versions = api["versions"]!.AsArray();
        Assert.Equal(["default", "canary"], versions.Select(v => (string)v!["role"]!));
        Assert.Equal(40, versions.Sum(v => (long)v!["requests"]!));
        Assert.Equal(versions.Select(v => ((long)v!["version"]!, (long)v["requests"]!, (double)v["p95Ms"]!)), rows.Select(r => ((long)r!["version"]!, (long)r["requests"]!, (double)r["p95Ms"]!)));
        // Any call takes more than 1 µs: the canary's p95 is past its gate and outlined; the default is not held to the gates.
        Assert.Equal([0L, 1L], rows.Select(r => (long)r!["breaches"]!));
        Assert.Equal([[], ["p95Ms"]], versions.Select(v => v!["pastGates"]!.AsArray().Select(g => (string)g!).ToArray()));
        Assert.Contains("State: running", text, StringComparison.Ordinal);
        Assert.Contains("p95Ms", (string?)api["decisions"]!.AsArray().Last()!["reason"], StringComparison.Ordinal);
    }

    /// <summary>Hours with fewer values than Drift:MinimumValues are grey and marked "too few values", never painted like a flag.</summary>
    [Fact]
    public async Task Dashboard_DriftUnderTheMinimumValues_MarksTheCellsTooFew()
    {
        _serving.Monitoring.DriftOptions.MinimumValues = 1000;
        var name = await _serving.AddModelAsync(TestModels.Identity(Onnx.TensorProto.Types.DataType.Float), """{"drift": {"sampleRate": 1, "features": "feature"}}""");
        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/evaluation.jsonl", EvaluationSets.TenRows());
        using (await _serving.PredictAsync(name, """{"input": [[100, 1000]]}""")) { }

        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        await using var app = await LoopbackApp.StartAsync(_serving);
        using var browser = Chromium.Start();

        await OpenDashboardAsync(browser, app, name);
        var cells = JsonNode.Parse((string?)((IJavaScriptExecutor)browser).ExecuteScript("return JSON.stringify(window.maasDashboard.driftCells)") ?? "null")!.AsArray();
        var grey = (long)((IJavaScriptExecutor)browser).ExecuteScript("return [...document.querySelectorAll('#maas-drift td.too-few')].filter(c => getComputedStyle(c).backgroundColor === 'rgb(234, 238, 242)').length")!;

        Assert.Equal(4, cells.Count);
        Assert.All(cells, cell => Assert.Equal((true, false), ((bool)cell!["tooFew"]!, (bool)cell["flagged"]!)));
        Assert.Equal(4, grey);
    }

    /// <summary>
    /// A model whose every version its gate rejects has no default version: the drift panel shows the highest Ready
    /// version and says so instead of the API's 409. The model filter narrows hundreds of models to the one typed.
    /// </summary>
    [Fact]
    public async Task Dashboard_NoDefaultVersionAndAFilter_ShowsTheHighestReadyVersionAndNarrowsTheList()
    {
        await _serving.AddModelAsync(TestModels.Linear());
        var name = await _serving.AddModelAsync(TestModels.ArgMaxClassifier(), """{"evaluation": {"task": "classification", "output": "label", "gates": {"accuracy": {"min": 0.9}}}}""");
        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/evaluation.jsonl", System.Text.Encoding.UTF8.GetBytes("""{"input": [[0.7, 0.2, 0.1]], "expected": {"label": [2]}}"""));
        await _serving.AddVersionAsync(name, TestModels.ArgMaxClassifier(), version: 2);
        await _serving.Registry.UploadAndRegisterAsync($"{name}/2/evaluation.jsonl", System.Text.Encoding.UTF8.GetBytes("""{"input": [[0.7, 0.2, 0.1]], "expected": {"label": [1]}}"""));
        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        await using var app = await LoopbackApp.StartAsync(_serving);
        using var browser = Chromium.Start();

        await browser.Navigate().GoToUrlAsync(new Uri(app.BaseAddress, "/dashboard"));
        var wait = new WebDriverWait(browser, RenderBound);
        wait.Until(d => ((IJavaScriptExecutor)d).ExecuteScript("return !!(window.maasDashboard && window.maasDashboard.ready)") is true);
        var before = (long)((IJavaScriptExecutor)browser).ExecuteScript("return document.getElementById('maas-model').options.length")!;
        browser.FindElement(By.Id("maas-model-filter")).SendKeys(name);
        wait.Until(d => ((IJavaScriptExecutor)d).ExecuteScript($"return window.maasDashboard.ready && window.maasDashboard.model && window.maasDashboard.model.name === '{name}'") is true);
        var options = (long)((IJavaScriptExecutor)browser).ExecuteScript("return document.getElementById('maas-model').options.length")!;
        var drift = browser.FindElement(By.Id("maas-drift")).Text;

        Assert.True(before >= 2, $"{before} models listed");
        Assert.Equal(1, options);
        Assert.Equal("2", (string?)((IJavaScriptExecutor)browser).ExecuteScript("return window.maasDashboard.driftVersion"));
        Assert.StartsWith("No default version (no version passes its evaluation gates): showing version 2, the highest Ready.", drift, StringComparison.Ordinal);
        Assert.DoesNotContain("409", drift, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_Page_IsServedWithChartJsFromTheApp()
    {
        await using var app = await LoopbackApp.StartAsync(_serving);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        var page = await http.GetStringAsync("/dashboard");
        using var chart = await http.GetAsync("/docs/chart.umd.min.js");

        Assert.Contains("<script src=\"/docs/chart.umd.min.js\"></script>", page, StringComparison.Ordinal);
        Assert.Contains("{\"auth\":null}", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cdn", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("text/javascript", chart.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Chart.js v4", await chart.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Rolls the recorded traffic up and serves the app's functions (auth off) on a loopback port.</summary>
    private async Task<LoopbackApp> RollUpAndServeAsync()
    {
        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        return await LoopbackApp.StartAsync(_serving);
    }

    /// <summary>The metrics API's own answer for the last hour at minute grain: what the page must have drawn.</summary>
    private static async Task<JsonNode> MinuteMetricsAsync(LoopbackApp app, string model)
    {
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        return (await http.GetFromJsonAsync<JsonNode>($"/models/{model}/metrics?grain=minute&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToString("O"))}"))!;
    }

    /// <summary>Opens the dashboard on <paramref name="model"/> and waits until it has drawn the metrics and drift APIs' answers.</summary>
    private static async Task OpenDashboardAsync(OpenQA.Selenium.Chrome.ChromeDriver browser, LoopbackApp app, string model)
    {
        await browser.Navigate().GoToUrlAsync(new Uri(app.BaseAddress, $"/dashboard?model={model}"));
        new WebDriverWait(browser, RenderBound).Until(d => ((IJavaScriptExecutor)d).ExecuteScript("return !!(window.maasDashboard && window.maasDashboard.ready)") is true);
    }

    private static double[] Values(JsonNode series) => [.. series.AsArray().Select(v => (double)v!)];

    public void Dispose() => _serving.Dispose();
}
