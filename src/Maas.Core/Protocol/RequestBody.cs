using System.Globalization;
using Maas.Core.Errors;

namespace Maas.Core.Protocol;

/// <summary>Reads a request body into a pooled buffer, refusing (413) anything over <c>Limits:MaxRequestBytes</c>, announced or not.</summary>
public static class RequestBody
{
    /// <summary>Checks the content type (415) and the announced length (413), then reads the whole body within the limit.</summary>
    public static Task<PooledBufferWriter> ReadAsync(WireRequest request, int maxBytes, CancellationToken cancellationToken, params string[] mediaTypes)
    {
        ArgumentNullException.ThrowIfNull(request);
        MediaTypes.Require(request.ContentType, mediaTypes);
        return ReadAsync(request.Body, request.ContentLength, maxBytes, cancellationToken);
    }

    /// <summary>Throws 413 when the announced length is over the limit, before anything is read.</summary>
    public static void CheckLength(long? contentLength, int maxBytes)
    {
        if (contentLength > maxBytes)
        {
            throw TooLarge(string.Create(CultureInfo.InvariantCulture, $"The request body is {contentLength} bytes"), maxBytes);
        }
    }

    public static async Task<PooledBufferWriter> ReadAsync(Stream body, long? contentLength, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        CheckLength(contentLength, maxBytes);
        var buffer = new PooledBufferWriter((int)Math.Max(1, contentLength ?? 0) + 1);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.GetMemory(), cancellationToken)) > 0)
            {
                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes)
                {
                    throw TooLarge("The request body is larger than allowed", maxBytes);
                }
            }

            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>The 413 naming the limit: <paramref name="what"/> says what was too large.</summary>
    public static MaasException TooLarge(string what, int maxBytes) => new(
        ErrorKind.PayloadTooLarge,
        string.Create(CultureInfo.InvariantCulture, $"{what}; at most {maxBytes} bytes are accepted (Limits:MaxRequestBytes)."));
}
