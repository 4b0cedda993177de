using System.Text.RegularExpressions;

namespace Maas.Core.Batch;

/// <summary>Which API a batch's lines call.</summary>
public enum BatchEndpointKind
{
    ChatCompletions,
    Completions,
    Embeddings,

    /// <summary>The simple API: <c>/models/{name}[/versions/{v}]/predict</c>.</summary>
    Predict,

    /// <summary>Open Inference Protocol V2: <c>/v2/models/{name}[/versions/{v}]/infer</c>.</summary>
    Infer,
}

/// <summary>
/// A batch's <c>endpoint</c>: one of this service's prediction paths. Every line of a batch calls it (its <c>url</c>
/// is the same path), as OpenAI's Batch API has it. The OpenAI paths name their model in each line's body; the simple
/// and V2 paths in the path.
/// </summary>
public sealed partial record BatchEndpoint(string Path, BatchEndpointKind Kind, string? Model, string? Version)
{
    /// <summary>The paths a batch may call, for messages.</summary>
    public const string Expected = "/v1/chat/completions, /v1/completions, /v1/embeddings, /models/{name}[/versions/{v}]/predict or /v2/models/{name}[/versions/{v}]/infer";

    /// <summary>The endpoint <paramref name="path"/> names, or null when it is none of this service's prediction paths.</summary>
    public static BatchEndpoint? Parse(string? path)
    {
        switch (path)
        {
            case "/v1/chat/completions":
                return new BatchEndpoint(path, BatchEndpointKind.ChatCompletions, null, null);
            case "/v1/completions":
                return new BatchEndpoint(path, BatchEndpointKind.Completions, null, null);
            case "/v1/embeddings":
                return new BatchEndpoint(path, BatchEndpointKind.Embeddings, null, null);
            case null:
                return null;
        }

        var match = ModelPath().Match(path);
        if (!match.Success)
        {
            return null;
        }

        var version = match.Groups["version"].Success ? match.Groups["version"].Value : null;
        return match.Groups["v2"].Success
            ? (match.Groups["action"].Value == "infer" ? new BatchEndpoint(path, BatchEndpointKind.Infer, match.Groups["name"].Value, version) : null)
            : (match.Groups["action"].Value == "predict" ? new BatchEndpoint(path, BatchEndpointKind.Predict, match.Groups["name"].Value, version) : null);
    }

    [GeneratedRegex("^(?<v2>/v2)?/models/(?<name>[a-z0-9][a-z0-9._-]{0,62})(/versions/(?<version>[1-9][0-9]{0,17}))?/(?<action>predict|infer)$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelPath();
}
