using System.Net;
using System.Text;
using System.Text.Json;
using Maas.TestKit.Azurite;
using Maas.TestKit.Generation;

namespace Maas.Functions.Tests.Functions;

/// <summary>The V2 generate extension (Triton's shape) with the real tiny GPT-2, through the host-shaped forwarder.</summary>
[Collection(UsesAzurite.Name)]
public sealed class GenerateTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private GenerativeApp? _generative;
    private HttpClient? _client;
    private string _model = string.Empty;

    public async Task InitializeAsync()
    {
        _generative = await GenerativeApp.StartAsync(azurite);
        (_client, _model) = (_generative.Client, _generative.Model);
    }

    [Fact]
    public async Task Generate_GreedyPrompt_AnswersTextOutputInTritonsShape()
    {
        using var response = await _client!.PostAsync($"/v2/models/{_model}/generate", Json($$$"""{"text_input": "{{{TinyGpt2.Prompt}}}", "parameters": {"max_tokens": {{{TinyGpt2.ContinuationTokens}}}, "temperature": 0}}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(_model, body.RootElement.GetProperty("model_name").GetString());
        Assert.Equal("1", body.RootElement.GetProperty("model_version").GetString());
        Assert.Equal(TinyGpt2.Continuation, body.RootElement.GetProperty("text_output").GetString());
    }

    [Fact]
    public async Task GenerateStream_GreedyPrompt_EventsJoinToTheCorpus()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/models/{_model}/versions/1/generate_stream") { Content = Json($$$"""{"text_input": "{{{TinyGpt2.Prompt}}}", "parameters": {"max_tokens": {{{TinyGpt2.ContinuationTokens}}}}}""") };
        using var response = await _client!.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = new StringBuilder();
        var events = 0;
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var piece = JsonDocument.Parse(line["data: ".Length..]);
                text.Append(piece.RootElement.GetProperty("text_output").GetString());
                events++;
            }
        }

        Assert.Equal(TinyGpt2.Continuation, text.ToString());
        Assert.True(events > TinyGpt2.ContinuationTokens / 2);
    }

    [Theory]
    [InlineData("""{"parameters": {}}""", "needs \"text_input\"")]
    [InlineData("""{"text_input": "hi", "parameters": {"beam_width": 4}}""", "Parameter 'beam_width' is not supported")]
    [InlineData("""{"text_input": "hi", "parameters": {"max_tokens": 0}}""", "Parameter 'max_tokens' must be an integer >= 1")]
    public async Task Generate_BadRequest_Is400InV2ShapeNamingIt(string body, string expected)
    {
        using var response = await _client!.PostAsync($"/v2/models/{_model}/generate", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(expected, error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public async Task DisposeAsync()
    {
        if (_generative is not null)
        {
            await _generative.DisposeAsync();
        }
    }
}
