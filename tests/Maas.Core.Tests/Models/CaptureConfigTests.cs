using System.Text;
using Maas.Core.Models;

namespace Maas.Core.Tests.Models;

/// <summary>config.json <c>capture</c>: every field read, every mistake a message naming the field.</summary>
public sealed class CaptureConfigTests
{
    [Fact]
    public void Parse_EveryField_IsRead()
    {
        var config = Parse("""{"capture": {"sampleRate": 0.25, "sampleBy": "requestId", "request": true, "response": false, "fields": {"ssn": "hash", "name": "mask", "photo": "drop", "age": "keep"}, "default": "drop", "maxPayloadBytes": 4096}}""").Capture!;

        Assert.Equal(0.25, config.SampleRate);
        Assert.Equal(CaptureSampling.RequestId, config.SampleBy);
        Assert.True(config.Request);
        Assert.False(config.Response);
        Assert.Equal(CaptureAction.Hash, config.ActionFor("ssn"));
        Assert.Equal(CaptureAction.Mask, config.ActionFor("name"));
        Assert.Equal(CaptureAction.Drop, config.ActionFor("photo"));
        Assert.Equal(CaptureAction.Keep, config.ActionFor("age"));
        Assert.Equal(CaptureAction.Drop, config.ActionFor("anything else"));
        Assert.Equal(4096, config.MaxPayloadBytes);
    }

    [Fact]
    public void Parse_OnlySampleRate_KeepsEverythingAtRandom()
    {
        var config = Parse("""{"capture": {"sampleRate": 1}}""").Capture!;

        Assert.Equal(CaptureSampling.Random, config.SampleBy);
        Assert.True(config.Request && config.Response);
        Assert.Equal(CaptureAction.Keep, config.ActionFor("x"));
        Assert.Null(config.MaxPayloadBytes);
        Assert.Null(Parse("{}").Capture);
    }

    [Fact]
    public void ToJsonAndBack_KeepsTheCaptureConfig()
    {
        var config = Parse("""{"capture": {"sampleRate": 0.5, "fields": {"ssn": "hash"}, "default": "drop"}}""");

        var restored = ModelConfig.FromJson(config.ToJson()).Capture!;

        Assert.Equal(0.5, restored.SampleRate);
        Assert.Equal(CaptureAction.Hash, restored.ActionFor("ssn"));
        Assert.Equal(CaptureAction.Drop, restored.ActionFor("other"));
    }

    [Theory]
    [InlineData("""{"capture": {}}""", "'capture' needs 'sampleRate'")]
    [InlineData("""{"capture": {"sampleRate": 1.5}}""", "'capture.sampleRate' must be a number from 0 to 1")]
    [InlineData("""{"capture": {"sampleRate": "all"}}""", "'capture.sampleRate' must be a number from 0 to 1")]
    [InlineData("""{"capture": {"sampleRate": 1, "sampleBy": "user"}}""", "'capture.sampleBy' is 'user'; expected random or requestId")]
    [InlineData("""{"capture": {"sampleRate": 1, "fields": {"ssn": "encrypt"}}}""", "'capture.fields.ssn' is 'encrypt'; expected keep, drop, hash or mask")]
    [InlineData("""{"capture": {"sampleRate": 1, "default": "hash"}}""", "'capture.default' must be \"keep\" or \"drop\"")]
    [InlineData("""{"capture": {"sampleRate": 1, "request": "yes"}}""", "'capture.request' must be true or false")]
    [InlineData("""{"capture": {"sampleRate": 1, "maxPayloadBytes": -1}}""", "'capture.maxPayloadBytes' must be an integer >= 0")]
    [InlineData("""{"capture": {"sampleRate": 1, "headers": true}}""", "'capture.headers' is unknown")]
    [InlineData("""{"capture": true}""", "'capture' must be an object")]
    public void Parse_Mistake_NamesTheFieldAndWhatIsExpected(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Parse(json));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static ModelConfig Parse(string json) => ModelConfig.Parse(Encoding.UTF8.GetBytes(json));
}
