using System.Net;
using System.Text;
using System.Text.Json;
using Maas.TestKit.Azurite;
using Maas.TestKit.Hosting;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace Maas.Functions.Tests.Functions;

/// <summary><c>/v1/embeddings</c> with a real sentence encoder (Arctic Embed XS and its WordPiece vocabulary) registered from a model folder.</summary>
[Collection(UsesAzurite.Name)]
public sealed class OpenAiEmbeddingsTests(AzuriteFixture azurite) : IAsyncLifetime, IDisposable
{
    private const string Config = """{"generation": {"task": "embeddings", "pooling": "cls", "normalize": true, "maxContextTokens": 512}}""";

    private static readonly string[] Sentences = ["A cat sits on the mat.", "A kitten is sitting on a rug.", "Quarterly tax filings are due in April."];

    private readonly ServingHarness _serving = new(azurite);
    private LoopbackApp? _app;
    private HttpClient? _client;
    private string _model = string.Empty;

    public async Task InitializeAsync()
    {
        var files = RealModels.ArcticXs();
        _model = await _serving.AddModelFolderAsync(files["model.onnx"], new Dictionary<string, byte[]> { ["vocab.txt"] = files["vocab.txt"] }, Config);
        _app = await LoopbackApp.StartAsync(_serving);
        _client = new HttpClient { BaseAddress = _app.BaseAddress };
    }

    [Fact]
    public async Task CreateEmbeddings_Sentence_EqualsOnnxRuntimeRunDirectlyOnTheTokenizersIds()
    {
        const string Sentence = "The model server loads an ONNX graph.";

        var vector = (await EmbedAsync(new { model = _model, input = Sentence }))[0];

        var expected = Direct(Sentence);
        Assert.Equal(expected.Length, vector.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], vector[i], 1e-5f);
        }
    }

    [Fact]
    public async Task CreateEmbeddings_RelatedAndUnrelatedSentences_RelatedAreCloser()
    {
        var vectors = await EmbedAsync(new { model = _model, input = Sentences });

        var related = Cosine(vectors[0], vectors[1]);
        var unrelated = Cosine(vectors[0], vectors[2]);
        Assert.True(related > unrelated + 0.1, $"related {related:F3}, unrelated {unrelated:F3}");
        Assert.Equal(1.0, Cosine(vectors[0], vectors[0]), 5);
    }

    [Fact]
    public async Task CreateEmbeddings_Base64AndDimensions_DecodeToTheShortenedUnitVector()
    {
        var full = (await EmbedAsync(new { model = _model, input = "hello" }))[0];
        using var response = await _client!.PostAsync("/v1/embeddings", Json(new { model = _model, input = "hello", encoding_format = "base64", dimensions = 64 }));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var bytes = Convert.FromBase64String(body.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var shortened = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, shortened, 0, bytes.Length);

        Assert.Equal(64, shortened.Length);
        var norm = Math.Sqrt(full.Take(64).Sum(v => (double)v * v));
        for (var i = 0; i < 64; i++)
        {
            Assert.Equal(full[i] / norm, shortened[i], 1e-5);
        }

        Assert.True(body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() >= 3);
    }

    [Fact]
    public async Task CreateEmbeddings_TextGenerationEndpointOnAnEncoder_Is400NamingItsTask()
    {
        using var response = await _client!.PostAsync("/v1/completions", Json(new { model = _model, prompt = "hi" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("has task 'embeddings'; this endpoint needs a 'text-generation' model", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateEmbeddings_DimensionsOverTheWidth_Is400NamingIt()
    {
        using var response = await _client!.PostAsync("/v1/embeddings", Json(new { model = _model, input = "hi", dimensions = 100_000 }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("dimensions", body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task CreateEmbeddings_TooLongWithoutAContextLimit_Is400FromTheGraphNotA500()
    {
        var files = RealModels.ArcticXs();
        var unlimited = await _serving.AddModelFolderAsync(files["model.onnx"], new Dictionary<string, byte[]> { ["vocab.txt"] = files["vocab.txt"] }, """{"generation": {"task": "embeddings"}}""");

        using var response = await _client!.PostAsync("/v1/embeddings", Json(new { model = unlimited, input = string.Join(' ', Enumerable.Repeat("word", 600)) }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("refused the input (602 tokens in the longest)", body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The reference: the tokenizer's ids straight into ONNX Runtime, the first token's state, scaled to unit length.</summary>
    private static float[] Direct(string sentence)
    {
        var files = RealModels.ArcticXs();
        using var vocab = new MemoryStream(files["vocab.txt"]);
        var tokenizer = BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true });
        var ids = tokenizer.EncodeToIds(sentence, addSpecialTokens: true).Select(id => (long)id).ToArray();
        using var session = new InferenceSession(files["model.onnx"]);
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
        using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Length).ToArray(), [1, ids.Length]);
        using var types = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], [1, ids.Length]);
        using var options = new RunOptions();
        using var outputs = session.Run(options, ["input_ids", "attention_mask", "token_type_ids"], [inputIds, mask, types], ["last_hidden_state"]);
        var width = (int)outputs[0].GetTensorTypeAndShape().Shape[^1];
        var cls = outputs[0].GetTensorDataAsSpan<float>()[..width].ToArray();
        var norm = (float)Math.Sqrt(cls.Sum(v => (double)v * v));
        return [.. cls.Select(v => v / norm)];
    }

    private async Task<List<float[]>> EmbedAsync(object request)
    {
        using var response = await _client!.PostAsync("/v1/embeddings", Json(request));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. body.RootElement.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray())];
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b).Sum(p => (double)p.First * p.Second) / Math.Sqrt(a.Sum(v => (double)v * v) * b.Sum(v => (double)v * v));

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose() => _serving.Dispose();
}
