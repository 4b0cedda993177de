using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Protocol.Simple;
using Maas.Core.Serving;
using Maas.TestKit.Registry;

namespace Maas.Core.Tests.Protocol.Simple;

/// <summary>Simple-API decoding as a pure function of the bytes, the signature and the limits: no storage, no sessions.</summary>
public sealed class SimpleDecodeTests
{
    private static readonly LimitsOptions Limits = new();

    private static readonly ModelVersionRecord Model = ModelRecords.FloatsAndText(features: 2);

    [Theory]
    [InlineData("{\"inputs\":{\"x\xFF\":[[1,2]]}}")]
    [InlineData("{\"inputs\":{\"\\ud800\":[[1,2]]}}")]
    [InlineData("{\"inputs\":{\"text\":[\"ok\",\"\\udfff\"]}}")]
    [InlineData("{\"inputs\":{\"text\":[\"\xE2\x82\"]}}")]
    [InlineData("{\"\\ud800\":1}")]
    public void Decode_StringThatIsNotUnicode_IsBadRequestSayingSo(string json)
    {
        var error = Assert.Throws<MaasException>(() => SimpleInferenceProtocol.Decode(Encoding.Latin1.GetBytes(json), Model, Limits).Dispose());

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("not valid Unicode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"inputs":{"x":[[1,2],[3,4.5]],"text":["a","b"]}}""")]
    [InlineData("""{"inputs":{"text":["a","b"],"x":[[1,2],[3,4.5]]}}""")]
    [InlineData("""{"inputs":{"text":["a","b"],"x":[[1,2],[3,4.5]] }}""")]
    public void Decode_Fp32BeforeOrAfterOtherInputs_ReadsTheSameFloats(string json)
    {
        using var request = SimpleInferenceProtocol.Decode(Encoding.UTF8.GetBytes(json), Model, Limits);

        var x = Assert.Single(request.Inputs, input => input.Name == "x");
        Assert.Equal([2L, 2L], x.Shape);
        Assert.Equal([1f, 2f, 3f, 4.5f], MemoryMarshal.Cast<byte, float>(x.Data.Span).ToArray());
        Assert.Equal(["a", "b"], Assert.Single(request.Inputs, input => input.Name == "text").Strings!.Select(Encoding.UTF8.GetString));
    }
}
