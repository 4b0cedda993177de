using System.Text.Json;
using Maas.Core.Models;
using Maas.Core.Protocol.OpenApi;
using Maas.TestKit.Azurite;
using Maas.TestKit.Hosting;
using Maas.TestKit.Onnx;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace Maas.Functions.Tests.Functions;

/// <summary>
/// The docs page in a real headless Chromium (Debian's chromium and chromium-driver, which scripts/test.sh installs):
/// a user opens /docs, expands a model's predict operation, runs its example with "Try it out" and sees the 200.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class DocsPageBrowserTests(AzuriteFixture azurite) : IDisposable
{
    /// <summary>How long the page may take to render an element: a bound for the wait, not an assertion on speed.</summary>
    private static readonly TimeSpan RenderBound = TimeSpan.FromSeconds(60);

    private readonly ServingHarness _serving = new(azurite);

    [Fact]
    public async Task Docs_TryItOutOnAModelsPredictExample_ShowsThe200WithTheOutputs()
    {
        var name = await _serving.AddModelAsync(TestModels.Linear(), """{"description":"A linear layer","labels":{"y":["low","mid","high"]}}""");
        await using var app = await LoopbackApp.StartAsync(_serving);
        using var browser = Chromium.Start();
        var wait = new WebDriverWait(browser, RenderBound);

        await browser.Navigate().GoToUrlAsync(new Uri(app.BaseAddress, "/docs"));
        var picker = wait.Until(d => d.FindElements(By.Id("maas-model")).FirstOrDefault());
        wait.Until(d => d.FindElement(By.Id("maas-picker-status")).Text.StartsWith("Service endpoints", StringComparison.Ordinal));
        picker.SendKeys(name + Keys.Enter);
        var operation = wait.Until(d => d.FindElements(By.Id($"operations-{name}-{OpenApiContract.OperationId("predict", name, null)}")).FirstOrDefault());
        operation.FindElement(By.CssSelector(".opblock-summary-control")).Click();
        wait.Until(_ => operation.FindElements(By.CssSelector(".try-out__btn")).FirstOrDefault())!.Click();
        wait.Until(_ => operation.FindElements(By.CssSelector(".execute")).FirstOrDefault())!.Click();
        var status = wait.Until(_ => operation.FindElements(By.CssSelector("table.live-responses-table tr.response td.response-col_status")).FirstOrDefault(e => e.Text.Length > 0));
        var body = wait.Until(_ => operation.FindElements(By.CssSelector("table.live-responses-table tr.response td.response-col_description .highlight-code pre")).FirstOrDefault(e => e.Text.Length > 0)).Text;

        ((IJavaScriptExecutor)browser).ExecuteScript("arguments[0].scrollIntoView({block: 'center'})", status);
        browser.SaveScreenshot("docs", "docs-try-it-out.png");
        Assert.Equal("200", status.Text.Trim());
        using var json = JsonDocument.Parse(body);
        Assert.Equal(name, json.RootElement.GetProperty("model").GetString());
        Assert.Equal(TestModels.LinearExpected([0, 0, 0, 0]), ResponseReader.Floats(json.RootElement.GetProperty("outputs").GetProperty("y")), (a, b) => Math.Abs(a - b) < 1e-5f);
        Assert.Equal(["low", "mid", "high"], json.RootElement.GetProperty("labels").GetProperty("y").EnumerateArray().Select(l => l.GetString()));
    }

    /// <summary>
    /// With 1,000 models the page loads the short service document, and picking one model shows that model's operations
    /// from its own document (rows written straight into the registry: the page reads only the registry).
    /// </summary>
    [Fact]
    public async Task Docs_AThousandModels_PickingOneShowsItsOperations()
    {
        var rows = Enumerable.Range(0, 1000).Select(i => ModelRecords.Ready(
            [TensorSignature.Tensor("x", TensorElementType.Float, -1, 4)], [TensorSignature.Tensor("y", TensorElementType.Float, -1, 3)], $"{RegistryHarness.NewModelName()}-{i:D4}"));
        await Task.WhenAll(rows.Select(row => _serving.Registry.Store.WriteAsync(row, expected: null, CancellationToken.None)));
        var picked = (await _serving.Catalog.ListVersionsAsync(CancellationToken.None)).Select(r => r.Name).Where(n => n.EndsWith("-0777", StringComparison.Ordinal)).Single();
        await using var app = await LoopbackApp.StartAsync(_serving);
        using var browser = Chromium.Start();
        var wait = new WebDriverWait(browser, RenderBound);

        await browser.Navigate().GoToUrlAsync(new Uri(app.BaseAddress, "/docs"));
        var status = wait.Until(d => d.FindElements(By.Id("maas-picker-status")).FirstOrDefault(e => e.Text.StartsWith("Service endpoints", StringComparison.Ordinal)));
        wait.Until(d => d.FindElements(By.Id("operations-server-getModelMetadata")).FirstOrDefault());
        browser.FindElement(By.Id("maas-model")).SendKeys(picked + Keys.Enter);
        var operation = wait.Until(d => d.FindElements(By.Id($"operations-{picked}-{OpenApiContract.OperationId("infer", picked, 1)}")).FirstOrDefault());

        Assert.StartsWith($"{picked}, default version 1", status.Text, StringComparison.Ordinal);
        Assert.Contains("(1000 models)", status.Text, StringComparison.Ordinal);
        Assert.Empty(browser.FindElements(By.Id("operations-server-getModelMetadata")));
        Assert.EndsWith($"?model={picked}", browser.Url, StringComparison.Ordinal);
        Assert.NotNull(operation);
    }

    public void Dispose() => _serving.Dispose();
}
