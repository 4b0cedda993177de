using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Tests.Models;

public sealed class GenerationConfigTests
{
    private static ModelConfig Parse(string json) => ModelConfig.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_FullTextGenerationBlock_ReadsEveryField()
    {
        var generation = Parse("""{"generation": {"task": "text-generation", "maxContextTokens": 4096, "defaultMaxTokens": 512, "eosTokens": [2, 32000], "stop": ["###"], "chatFormat": "chatml", "maxConcurrentSequences": 4}}""").Generation!;

        Assert.Equal((GenerationTask.TextGeneration, 4096, 512, "chatml", 4), (generation.Task, generation.MaxContextTokens, generation.DefaultMaxTokens, generation.ChatFormat, generation.MaxConcurrentSequences));
        Assert.Equal([2, 32000], generation.EosTokens);
        Assert.Equal(["###"], generation.Stop);
    }

    [Fact]
    public void Parse_EmbeddingsBlock_ReadsPoolingAndNormalize()
    {
        var generation = Parse("""{"generation": {"task": "embeddings", "pooling": "cls", "normalize": false}}""").Generation!;

        Assert.Equal((GenerationTask.Embeddings, EmbeddingPooling.Cls, false), (generation.Task, generation.Pooling, generation.Normalize));
    }

    [Fact]
    public void Parse_RoleTemplates_KeepsThemInsteadOfANamedFormat()
    {
        var generation = Parse("""{"generation": {"chatFormat": {"user": "Q: {content}\n", "generation": "A:"}}}""").Generation!;

        Assert.Null(generation.ChatFormat);
        Assert.Equal("Q: {content}\n", generation.ChatTemplates!["user"]);
    }

    [Theory]
    [InlineData("""{"generation": {"task": "translation"}}""", "'generation.task' is 'translation'")]
    [InlineData("""{"generation": {"chatFormat": "alpaca"}}""", "'generation.chatFormat' is 'alpaca'; expected one of chatml, llama3, phi3, gemma, plain")]
    [InlineData("""{"generation": {"chatFormat": {"user": "no placeholder"}}}""", "must contain {content}")]
    [InlineData("""{"generation": {"chatFormat": {"system": "{content}"}}}""", "needs at least a 'user' template")]
    [InlineData("""{"generation": {"maxContextTokens": 0}}""", "'generation.maxContextTokens' must be an integer >= 1")]
    [InlineData("""{"generation": {"maxContextTokens": 100, "defaultMaxTokens": 100}}""", "must be below maxContextTokens (100)")]
    [InlineData("""{"generation": {"eosTokens": [-1]}}""", "'generation.eosTokens' must be an array of token ids")]
    [InlineData("""{"generation": {"stop": [""]}}""", "'generation.stop' must be an array of non-empty strings")]
    [InlineData("""{"generation": {"temperature": 1}}""", "'generation.temperature' is unknown")]
    public void Parse_BadBlock_NamesTheField(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToJsonAndBack_GenerationBlock_RoundTrips()
    {
        var config = Parse("""{"generation": {"task": "text-generation", "maxContextTokens": 128, "stop": ["\n\n"], "chatFormat": {"user": "U: {content}"}}}""");

        var back = ModelConfig.FromJson(config.ToJson()).Generation!;

        Assert.Equal((128, "U: {content}", "\n\n"), (back.MaxContextTokens, back.ChatTemplates!["user"], back.Stop[0]));
    }
}
