using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Tests.Models;

/// <summary>The two messages every choice field of config.json gives, for two choices and for more.</summary>
public sealed class ConfigChoiceTests
{
    [Theory]
    [InlineData("""{"executionProvider": 1}""", "config.json field 'executionProvider' must be one of \"cpu\", \"cuda\", \"auto\".")]
    [InlineData("""{"executionProvider": "tpu"}""", "config.json field 'executionProvider' is 'tpu'; expected cpu, cuda or auto.")]
    [InlineData("""{"capture": {"sampleRate": 1, "sampleBy": true}}""", "config.json field 'capture.sampleBy' must be \"random\" or \"requestId\".")]
    [InlineData("""{"capture": {"sampleRate": 1, "sampleBy": "caller"}}""", "config.json field 'capture.sampleBy' is 'caller'; expected random or requestId.")]
    [InlineData("""{"capture": {"sampleRate": 1, "fields": {"x": 3}}}""", "config.json field 'capture.fields.x' must be one of \"keep\", \"drop\", \"hash\", \"mask\".")]
    [InlineData("""{"evaluation": {"task": "classification", "scores": 2}}""", "config.json field 'evaluation.scores' must be \"probabilities\" or \"logits\".")]
    [InlineData("""{"drift": {"sampleRate": 1, "features": ["tensor"]}}""", "config.json field 'drift.features' must be one of \"auto\", \"tensor\", \"channel\", \"feature\".")]
    public void Parse_BadChoice_SaysWhatWasGivenAndTheChoices(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ModelConfig.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(expected, error.Message);
    }
}
