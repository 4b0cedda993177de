using System.Text.Json;
using Maas.Core.Protocol;
using Maas.Core.Protocol.V2;

namespace Maas.TestKit.Serving;

/// <summary>Splits an encoded response into its JSON document and (binary extension) the bytes after it.</summary>
public static class ResponseReader
{
    public static JsonDocument Json(EncodedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return JsonDocument.Parse(response.Body[..HeaderLength(response)]);
    }

    public static byte[] Binary(EncodedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Body[HeaderLength(response)..].ToArray();
    }

    /// <summary>The JSON part's length: V2's <c>Inference-Header-Content-Length</c> when binary outputs follow, else the whole body.</summary>
    public static int HeaderLength(EncodedResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.Where(h => h.Key == V2InferenceProtocol.HeaderContentLengthName).Select(h => h.Value).FirstOrDefault();
        return header is null ? response.Body.Length : int.Parse(header, System.Globalization.CultureInfo.InvariantCulture);
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
