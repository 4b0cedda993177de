using Maas.Core.Errors;

namespace Maas.Core.Protocol;

/// <summary>The content types the prediction endpoints read.</summary>
internal static class MediaTypes
{
    public const string Json = "application/json";
    public const string OctetStream = "application/octet-stream";

    /// <summary>Throws 415 unless <paramref name="contentType"/> is absent or one of <paramref name="accepted"/> (parameters such as charset ignored).</summary>
    public static void Require(string? contentType, params string[] accepted)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        if (!accepted.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            throw new MaasException(ErrorKind.UnsupportedMediaType, $"Content-Type '{mediaType}' is not supported here; send {string.Join(" or ", accepted)}.");
        }
    }
}
