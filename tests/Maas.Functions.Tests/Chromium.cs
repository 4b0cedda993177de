using Maas.TestKit;
using OpenQA.Selenium.Chrome;

namespace Maas.Functions.Tests;

/// <summary>Debian's headless Chromium through chromedriver, for the pages' browser tests.</summary>
internal static class Chromium
{
    public static ChromeDriver Start()
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1400");
        return new ChromeDriver(service, options);
    }

    /// <summary>Saves what the browser shows as <c>TestResults/&lt;folder&gt;/&lt;file&gt;</c>, for the README and for looking at a failure.</summary>
    public static void SaveScreenshot(this ChromeDriver browser, string folder, string file)
    {
        ArgumentNullException.ThrowIfNull(browser);
        var path = RepoPaths.Combine("TestResults", folder, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        browser.GetScreenshot().SaveAsFile(path);
    }
}
