using Maas.Core.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Maas.Functions.Http;

/// <summary>Writes an encoded prediction response (200) with the protocol's headers, and returns its pooled buffer.</summary>
internal sealed class EncodedResponseResult(EncodedResponse response) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        using (response)
        {
            var http = context.HttpContext.Response;
            http.StatusCode = StatusCodes.Status200OK;
            http.ContentType = response.ContentType;
            http.ContentLength = response.Body.Length;
            foreach (var (name, value) in response.Headers)
            {
                http.Headers[name] = value;
            }

            await http.Body.WriteAsync(response.Body, context.HttpContext.RequestAborted);
        }
    }
}
