using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;

namespace Maas.Cli.Connection;

/// <summary>
/// The app's HTTP API: JSON reads and prediction calls, a bearer token when the API is guarded, and failures turned
/// into messages that say what to do (the service's own problem detail or <c>{"error"}</c> included). With a log
/// writer (<c>--verbose</c>) each exchange is printed: method, URL, status, headers and sizes, never a token.
/// </summary>
public sealed class ApiClient(Uri baseAddress, TokenCredential? credential, string? scope, TextWriter? log) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>GET <paramref name="path"/> as JSON; a non-success status is a <see cref="CliException"/> with the service's message.</summary>
    public async Task<JsonNode> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>GET <paramref name="path"/> as JSON, or null when the service answers 404.</summary>
    public async Task<JsonNode?> GetJsonOrNullAsync(string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync(response, cancellationToken);
    }

    /// <summary>GET <paramref name="path"/> and copy its body to <paramref name="target"/> as it comes; a non-success status is a <see cref="CliException"/>.</summary>
    public async Task<long> DownloadAsync(string path, Stream target, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            await ReadAsync(response, cancellationToken);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var before = target.Position;
        await body.CopyToAsync(target, cancellationToken);
        return target.Position - before;
    }

    /// <summary>POST <paramref name="content"/> to <paramref name="path"/> and read the JSON answer.</summary>
    public async Task<JsonNode> PostAsync(string path, HttpContent content, CancellationToken cancellationToken, IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await SendAsync(request, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>
    /// POST <paramref name="content"/> to <paramref name="path"/> and read the answer's server-sent events as they come
    /// (each <c>data:</c> line's JSON, up to <c>[DONE]</c>); an error status is a <see cref="CliException"/> as for
    /// <see cref="PostAsync"/>, and an error event inside the stream too.
    /// </summary>
    public async IAsyncEnumerable<JsonNode> StreamAsync(string path, HttpContent content, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        using var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            await ReadAsync(response, cancellationToken);
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var data = line["data: ".Length..];
            if (data == "[DONE]")
            {
                yield break;
            }

            var node = JsonNode.Parse(data)!;
            if (node["error"] is { } error)
            {
                throw new CliException($"POST {path} failed while streaming: {(string?)error["message"]}");
            }

            yield return node;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        if (credential is not null && scope is not null)
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }

        Log(request);
        try
        {
            var response = await _http.SendAsync(request, completion, cancellationToken);
            Log(response);
            return response;
        }
        catch (HttpRequestException error)
        {
            throw new CliException($"Could not reach the API at {BaseAddress} ({error.Message}). Is the app running (scripts/start-local.sh locally) and is --api right?");
        }
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Not JSON: the status and the start of the text say enough.
        }

        if (response.IsSuccessStatusCode && body is not null)
        {
            return body;
        }

        // Problem details, the V2 error, or OpenAI's {"error": {"message": ...}}.
        var error = body?["error"];
        var detail = (string?)body?["detail"] ?? (error is JsonValue ? (string?)error : (string?)error?["message"]) ?? (text.Length > 200 ? text[..200] : text);
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => " Sign in: `maas login --api <url> --client-id <the API's app id>` (tokens come from az login or --device-code).",
            HttpStatusCode.Forbidden => " Your identity lacks the app role this call needs (Models.Read or Models.Predict).",
            _ => string.Empty,
        };
        throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {detail}{hint}"));
    }

    private void Log(HttpRequestMessage request)
    {
        if (log is null)
        {
            return;
        }

        log.WriteLine($"> {request.Method} {new Uri(BaseAddress, request.RequestUri!)}");
        foreach (var header in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            log.WriteLine($"> {header.Key}: {(header.Key == "Authorization" ? "Bearer (token hidden)" : string.Join(", ", header.Value))}");
        }
    }

    private void Log(HttpResponseMessage response)
    {
        if (log is null)
        {
            return;
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"< {(int)response.StatusCode} {response.ReasonPhrase}"));
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            log.WriteLine($"< {header.Key}: {string.Join(", ", header.Value)}");
        }
    }

    public void Dispose() => _http.Dispose();
}
