using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Errors;
using Maas.Core.Models;
using Maas.Core.Protocol.V2;
using Maas.Core.Serving;
using Maas.TestKit.Registry;

namespace Maas.Core.Tests.Protocol.V2;

/// <summary>V2 request decoding as a pure function of the bytes, the signature and the limits: no storage, no sessions.</summary>
public sealed class V2RequestReaderTests
{
    private static readonly LimitsOptions Limits = new();

    private static readonly ModelVersionRecord Model = ModelRecords.FloatsAndText(features: 4);

    public static TheoryData<string, string> NotUnicode => new()
    {
        { "invalid UTF-8 in BYTES data", "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"a\xFF\"]}]}" },
        { "lone surrogate in BYTES data", "{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"\\ud800\"]}]}" },
        { "invalid UTF-8 in id", "{\"id\":\"\xC3\",\"inputs\":[]}" },
        { "lone surrogate in id", "{\"id\":\"\\udc00x\",\"inputs\":[]}" },
        { "invalid UTF-8 in an input name", "{\"inputs\":[{\"name\":\"x\xFE\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}" },
        { "lone surrogate in a datatype", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"\\ud834\",\"data\":[1,2,3,4]}]}" },
        { "lone surrogate in an output name", "{\"inputs\":[],\"outputs\":[{\"name\":\"\\ud800\"}]}" },
        { "lone surrogate in a property name", "{\"inputs\":[{\"\\ud800\":1,\"name\":\"x\"}]}" },
        { "lone surrogate in an FP32 element", "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,4],\"datatype\":\"FP32\",\"data\":[1,2,3,\"\\ud800\"]}]}" },
    };

    [Theory]
    [MemberData(nameof(NotUnicode))]
    public void Decode_StringThatIsNotUnicode_IsBadRequestSayingSo(string because, string json)
    {
        // Latin-1 keeps the test's bytes exactly (\xFF stays one byte), as a client sending broken UTF-8 would.
        var body = Encoding.Latin1.GetBytes(json);

        var error = Assert.Throws<MaasException>(() => V2RequestReader.Decode(body, null, Model, Limits).Dispose());

        Assert.Equal(ErrorKind.InvalidInput, error.Kind);
        Assert.Contains("not valid Unicode", error.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(because));
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2.5,-3,4e1]}]}""")]
    [InlineData("""{"inputs":[{"data":[1,2.5,-3,4e1],"name":"x","shape":[1,4],"datatype":"FP32"}]}""")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[[1,2.5],[-3,4e1]],"parameters":{}}]}""")]
    [InlineData("""{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[1,2.5,-3,40], "parameters": {"p": "q"}}], "id": "r"}""")]
    public void Decode_Fp32DataInAnyFieldOrder_ReadsTheSameFloats(string json)
    {
        using var request = V2RequestReader.Decode(Encoding.UTF8.GetBytes(json), null, Model, Limits);

        var input = Assert.Single(request.Inputs);
        Assert.Equal([1L, 4L], input.Shape);
        Assert.Equal([1f, 2.5f, -3f, 40f], MemoryMarshal.Cast<byte, float>(input.Data.Span).ToArray());
    }

    [Fact]
    public void Decode_ValidUnicodeInBytes_KeepsTheUtf8Bytes()
    {
        using var request = V2RequestReader.Decode(
            Encoding.UTF8.GetBytes("""{"inputs":[{"name":"text","shape":[2],"datatype":"BYTES","data":["\u00e9t\u00e9","\ud83d\ude00"]}]}"""), null, Model, Limits);

        Assert.Equal(["été", "😀"], Assert.Single(request.Inputs).Strings!.Select(Encoding.UTF8.GetString));
    }
}
