using System.Text.Json;
using Maas.Core.Protocol;

namespace Maas.TestKit.Serving;

/// <summary>Splits an encoded response into its JSON document and (binary extension) the bytes after it.</summary>
public static class ResponseReader
{
    public static JsonDocument Json(EncodedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return JsonDocument.Parse(response.Body[..(response.InferenceHeaderContentLength ?? response.Body.Length)]);
    }

    public static byte[] Binary(EncodedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Body[(response.InferenceHeaderContentLength ?? response.Body.Length)..].ToArray();
    }

    /// <summary>The V2 response output called <paramref name="name"/>.</summary>
    public static JsonElement Output(JsonDocument document, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.RootElement.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);
    }

    /// <summary>Every number in a (possibly nested) JSON array, row-major.</summary>
    public static float[] Floats(JsonElement data)
        => data.ValueKind == JsonValueKind.Array ? [.. data.EnumerateArray().SelectMany(Floats)] : [data.GetSingle()];
}
