using System.IO.Compression;
using System.Reflection;
using Swashbuckle.AspNetCore.SwaggerUI;

namespace Maas.Functions.Http;

/// <summary>
/// The app's pages (docs, dashboard) and the files they load, from the app's own assemblies: Swagger UI's files as
/// Swashbuckle embeds them, Chart.js as the build embeds it from node_modules; never a CDN.
/// </summary>
internal static class PageAssets
{
    private const string SwaggerUiPrefix = "Swashbuckle.AspNetCore.SwaggerUI.node_modules.swagger_ui_dist.";
    private const string OwnPrefix = "Maas.Functions.Pages.";

    private static readonly Dictionary<string, (Assembly Assembly, string Resource, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["swagger-ui.css"] = (typeof(SwaggerUIOptions).Assembly, SwaggerUiPrefix + "swagger-ui.css", "text/css"),
        ["swagger-ui-bundle.js"] = (typeof(SwaggerUIOptions).Assembly, SwaggerUiPrefix + "swagger-ui-bundle.js", "text/javascript"),
        ["swagger-ui-standalone-preset.js"] = (typeof(SwaggerUIOptions).Assembly, SwaggerUiPrefix + "swagger-ui-standalone-preset.js", "text/javascript"),
        ["favicon-32x32.png"] = (typeof(SwaggerUIOptions).Assembly, SwaggerUiPrefix + "favicon-32x32.png", "image/png"),
        ["maas-docs.js"] = (typeof(PageAssets).Assembly, OwnPrefix + "maas-docs.js", "text/javascript"),
        ["maas-sign-in.js"] = (typeof(PageAssets).Assembly, OwnPrefix + "maas-sign-in.js", "text/javascript"),
        ["maas-dashboard.js"] = (typeof(PageAssets).Assembly, OwnPrefix + "maas-dashboard.js", "text/javascript"),
        ["chart.umd.min.js"] = (typeof(PageAssets).Assembly, OwnPrefix + "chart.umd.min.js", "text/javascript"),
    };

    private static readonly Dictionary<string, (byte[] Bytes, string ContentType)> Loaded = Files.ToDictionary(
        pair => pair.Key,
        pair => (Read(pair.Value.Assembly, pair.Value.Resource), pair.Value.ContentType),
        StringComparer.Ordinal);

    /// <summary>The docs page's HTML, with <c>{{CONFIG}}</c> where its JSON configuration goes.</summary>
    public static string DocsPage { get; } = System.Text.Encoding.UTF8.GetString(Read(typeof(PageAssets).Assembly, OwnPrefix + "docs.html"));

    /// <summary>The dashboard's HTML, with <c>{{CONFIG}}</c> where its JSON configuration goes.</summary>
    public static string DashboardPage { get; } = System.Text.Encoding.UTF8.GetString(Read(typeof(PageAssets).Assembly, OwnPrefix + "dashboard.html"));

    /// <summary>A page's HTML with its configuration (the sign-in settings, null with auth off) in place, as the response.</summary>
    public static Microsoft.AspNetCore.Mvc.ContentResult Render(string page, string configJson) => new()
    {
        Content = page.Replace("{{CONFIG}}", configJson, StringComparison.Ordinal),
        ContentType = "text/html; charset=utf-8",
        StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status200OK,
    };

    public static (byte[] Bytes, string ContentType)? Find(string file) => Loaded.TryGetValue(file, out var asset) ? asset : null;

    /// <summary>An embedded file's bytes; Swashbuckle embeds Swagger UI's files gzip-compressed, so those are inflated once here.</summary>
    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource) ?? throw new InvalidOperationException($"The embedded file {resource} is missing from {assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        if (bytes is not [0x1F, 0x8B, ..])
        {
            return bytes;
        }

        using var inflated = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
        {
            gzip.CopyTo(inflated);
        }

        return inflated.ToArray();
    }
}
