using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Capture;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Capture;

/// <summary>Each capture action on each kind of data, checked against values computed outside this code.</summary>
public sealed class DeidentifierTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes(new string('k', 32));

    [Fact]
    public void Hash_IsHmacSha256OfTheUtf8Bytes_AsRfc4231Says()
    {
        // RFC 4231, test case 1: key 0x0b × 20, data "Hi There".
        var key = Enumerable.Repeat((byte)0x0b, 20).ToArray();

        Assert.Equal("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", Deidentifier.Hash("Hi There", key));
    }

    [Fact]
    public void Apply_HashOnIntegers_HashesEachElementsLittleEndianBytes()
    {
        var tensor = Deidentifier.Apply(CaptureAction.Hash, "age", TensorElementType.Int64, [1, 2], Bytes<long>([42, 42]), null, Key)!;

        // Python: hmac.new(b"k" * 32, struct.pack("<q", 42), hashlib.sha256).hexdigest()
        Assert.Equal(["d8aceaa13f30bcf67f0acc2a6a932e1aec6ea7078c8fe9f4577141b7791fb8ad", "d8aceaa13f30bcf67f0acc2a6a932e1aec6ea7078c8fe9f4577141b7791fb8ad"], tensor.Texts);
        Assert.Equal(TensorElementType.String, tensor.ElementType);
        Assert.Equal([1, 2], tensor.Shape);
        Assert.True(tensor.Numbers.IsEmpty);
    }

    [Fact]
    public void Apply_Hash_IsStableForAKeyAndDiffersAcrossKeys()
    {
        var otherKey = Encoding.UTF8.GetBytes(new string('q', 32));

        var first = Deidentifier.Apply(CaptureAction.Hash, "ssn", TensorElementType.String, [1], default, ["123-45-6789"], Key)!;
        var again = Deidentifier.Apply(CaptureAction.Hash, "ssn", TensorElementType.String, [1], default, ["123-45-6789"], Key)!;
        var other = Deidentifier.Apply(CaptureAction.Hash, "ssn", TensorElementType.String, [1], default, ["123-45-6789"], otherKey)!;

        Assert.Equal(first.Texts, again.Texts);
        Assert.NotEqual(first.Texts![0], other.Texts![0]);
        Assert.Equal(Deidentifier.HashedElementChars, first.Texts[0].Length);
    }

    [Theory]
    [InlineData("4111111111111111", "************1111")]
    [InlineData("123-45-6789", "*******6789")]
    [InlineData("abc", "abc")]
    [InlineData("", "")]
    [InlineData("naïve café 😀!", "*********é 😀!")]
    public void Mask_String_StarsAllButTheLastFourCharacters(string value, string expected)
    {
        Assert.Equal(expected, Deidentifier.Mask(value));
    }

    [Theory]
    [InlineData(TensorElementType.Float)]
    [InlineData(TensorElementType.Int64)]
    [InlineData(TensorElementType.Int32)]
    [InlineData(TensorElementType.Bool)]
    public void Apply_MaskOnNumbers_KeepsTheShapeWithZeros(TensorElementType type)
    {
        var bytes = Enumerable.Range(1, 3 * ElementSize(type)).Select(i => (byte)i).ToArray();

        var tensor = Deidentifier.Apply(CaptureAction.Mask, "x", type, [3, 1], bytes, null, Key)!;

        Assert.Equal(new byte[bytes.Length], tensor.Numbers.ToArray());
        Assert.Equal(type, tensor.ElementType);
        Assert.Equal([3, 1], tensor.Shape);
    }

    [Fact]
    public void Apply_KeepAndDrop_CopyOrLeaveOut()
    {
        var floats = Bytes<float>([1.5f, -2f]);

        var kept = Deidentifier.Apply(CaptureAction.Keep, "x", TensorElementType.Float, [2], floats, null, null)!;
        var keptText = Deidentifier.Apply(CaptureAction.Keep, "t", TensorElementType.String, [1], default, ["hello"], null)!;

        Assert.Equal(floats, kept.Numbers.ToArray());
        Assert.Equal(["hello"], keptText.Texts);
        Assert.Null(Deidentifier.Apply(CaptureAction.Drop, "x", TensorElementType.Float, [2], floats, null, Key));
    }

    [Theory]
    [InlineData(CaptureAction.Drop, 0)]
    [InlineData(CaptureAction.Keep, 40)]
    [InlineData(CaptureAction.Mask, 40)]
    [InlineData(CaptureAction.Hash, 10 * 64)]
    public void PayloadBytes_IsWhatTheRecordWouldCarry(CaptureAction action, long expected)
    {
        Assert.Equal(expected, Deidentifier.PayloadBytes(action, elements: 10, rawBytes: 40));
    }

    private static byte[] Bytes<T>(T[] values)
        where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Int64 => 8,
        TensorElementType.Bool => 1,
        _ => 4,
    };
}
