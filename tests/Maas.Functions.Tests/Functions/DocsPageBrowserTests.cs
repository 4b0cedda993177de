using System.Text.Json;
using Maas.Core.Protocol.OpenApi;
using Maas.TestKit.Azurite;
using Maas.TestKit.Hosting;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
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

    public void Dispose() => _serving.Dispose();
}
