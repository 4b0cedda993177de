using System.Net;
using System.Text;
using System.Text.Json;
using Maas.TestKit.Azurite;
using Maas.TestKit.Generation;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;

namespace Maas.Functions.Tests.Functions;

/// <summary>The OpenAI-compatible API over HTTP, with the real tiny GPT-2 registered from a model folder, through a forwarder shaped like the Functions host.</summary>
[Collection(UsesAzurite.Name)]
public sealed class OpenAiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private GenerativeApp? _generative;
    private HttpClient? _client;
    private string _model = string.Empty;

    private ServingHarness Serving => _generative!.Serving;

    public async Task InitializeAsync()
    {
        _generative = await GenerativeApp.StartAsync(azurite);
        (_client, _model) = (_generative.Client, _generative.Model);
    }

    [Fact]
    public async Task CreateChatCompletion_GreedyPrompt_AnswersTheCorpusWithUsage()
    {
        using var response = await PostAsync("/v1/chat/completions", new
        {
            model = _model,
            messages = new[] { new { role = "user", content = TinyGpt2.Prompt } },
            max_tokens = TinyGpt2.ContinuationTokens,
            temperature = 0,
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("x-maas-model-version").Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal("chat.completion", body.RootElement.GetProperty("object").GetString());
        Assert.Equal(TinyGpt2.Continuation, choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var usage = body.RootElement.GetProperty("usage");
        Assert.Equal(4, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(TinyGpt2.ContinuationTokens, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(4 + TinyGpt2.ContinuationTokens, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal($"{_model}/versions/1", body.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task CreateCompletion_StreamedThroughTheHost_ChunksJoinToTheCorpusThenUsageThenDone()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = Json(new { model = _model, prompt = TinyGpt2.Prompt, max_tokens = TinyGpt2.ContinuationTokens, stream = true, stream_options = new { include_usage = true } }) };
        using var response = await _client!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ReadEventsAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var text = string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.Equal(TinyGpt2.Continuation, text);
        Assert.True(chunks.Count > TinyGpt2.ContinuationTokens / 2, $"{chunks.Count} chunks: the text should come a token or so at a time");
        Assert.Equal("length", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(TinyGpt2.ContinuationTokens, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));
    }

    [Fact]
    public async Task CreateChatCompletion_StopString_EndsBeforeItWithStop()
    {
        using var response = await PostAsync("/v1/chat/completions", new { model = _model, messages = new[] { new { role = "user", content = TinyGpt2.Prompt } }, stop = "lazy", max_tokens = 30 });

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var choice = body.RootElement.GetProperty("choices")[0];
        Assert.Equal(" jumps over the ", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task CreateCompletion_SameSeed_SameText()
    {
        var request = new { model = _model, prompt = "The model", max_tokens = 12, temperature = 1.5, top_p = 0.95, seed = 42 };
        var first = await CompletionTextAsync(request);
        var second = await CompletionTextAsync(request);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task CreateCompletion_PromptPlusMaxTokensOverTheContext_Is400NamingBothCounts()
    {
        using var response = await PostAsync("/v1/completions", new { model = _model, prompt = TinyGpt2.Prompt, max_tokens = 200 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Contains("maximum context length is 128 tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("4 in the prompt, 200 for the completion", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task CreateChatCompletion_UnknownModel_Is404InOpenAiShape()
    {
        using var response = await PostAsync("/v1/chat/completions", new { model = "no-such-model", messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task CreateChatCompletion_ClassicModel_Is400NamingWhatItIs()
    {
        var classic = await Serving.AddModelAsync(TestModels.Linear());

        using var response = await PostAsync("/v1/chat/completions", new { model = classic, messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not a generative model", (await ErrorAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}]}""", "model")]
    [InlineData("""{"model": "MODEL", "messages": [{"role": "robot", "content": "hi"}]}""", "messages[0].role")]
    [InlineData("""{"model": "MODEL", "messages": [{"role": "user", "content": "hi"}], "n": 2}""", "n")]
    [InlineData("""{"model": "MODEL", "messages": [{"role": "user", "content": "hi"}], "temperature": 3}""", "temperature")]
    [InlineData("""{"model": "MODEL", "messages": [{"role": "user", "content": "hi"}], "tools": []}""", "tools")]
    [InlineData("""{"model": "MODEL", "messages": [], "max_tokens": 5}""", "messages")]
    public async Task CreateChatCompletion_MalformedBody_Is400NamingTheField(string body, string field)
    {
        using var content = new StringContent(body.Replace("MODEL", _model, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await _client!.PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, (await ErrorAsync(response)).GetProperty("param").GetString());
    }

    [Fact]
    public async Task CreateChatCompletion_NotJson_Is400()
    {
        using var content = new StringContent("{not json", Encoding.UTF8, "application/json");
        using var response = await _client!.PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", (await ErrorAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListOpenAiModels_GenerativeModelRegistered_ListsItWithItsTask()
    {
        using var response = await _client!.GetAsync("/v1/models");

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var entry = body.RootElement.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == _model);
        Assert.Equal("model", entry.GetProperty("object").GetString());
        Assert.Equal("text-generation", entry.GetProperty("task").GetString());
    }

    private async Task<string?> CompletionTextAsync(object request)
    {
        using var response = await PostAsync("/v1/completions", request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("choices")[0].GetProperty("text").GetString();
    }

    private Task<HttpResponseMessage> PostAsync(string path, object body) => _client!.PostAsync(path, Json(body));

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").Clone();
    }

    private static async Task<List<string>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
        }

        return events;
    }

    public async Task DisposeAsync()
    {
        if (_generative is not null)
        {
            await _generative.DisposeAsync();
        }
    }
}
