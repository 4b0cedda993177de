using System.Globalization;
using System.Text;
using System.Text.Json;
using csFastFloat;
using Maas.Core.Json;

namespace Maas.Core.Tests.Json;

/// <summary>
/// Shortest round-trip FP32 text, checked against independent oracles: .NET's parser (every text must parse back to the
/// same bits), .NET's own shortest formatter (never fewer digits than ours), and hand-written expectations.
/// </summary>
public sealed class ShortestFloatTests
{
    [Theory]
    [InlineData(0f, "0")]
    [InlineData(-0f, "-0")]
    [InlineData(1f, "1")]
    [InlineData(-1.5f, "-1.5")]
    [InlineData(0.1f, "0.1")]
    [InlineData(0.3f, "0.3")]
    [InlineData(0.001f, "0.001")]
    [InlineData(100f, "100")]
    [InlineData(16777216f, "16777216")]
    [InlineData(123456789f, "123456790")] // the float is 123456792; 12345679e1 is the shortest text inside its rounding interval
    [InlineData(1e20f, "100000000000000000000")] // the last power of ten JavaScript prints in full
    [InlineData(1e21f, "1e+21")]
    [InlineData(1e-6f, "0.000001")]
    [InlineData(1.5e-6f, "0.0000015")]
    [InlineData(1e-7f, "1e-7")]
    [InlineData(-2.5e-10f, "-2.5e-10")]
    [InlineData(float.Epsilon, "1e-45")]
    [InlineData(1.17549435e-38f, "1.1754944e-38")] // the smallest normal float
    [InlineData(float.MaxValue, "3.4028235e+38")]
    [InlineData(float.MinValue, "-3.4028235e+38")]
    public void Format_KnownValues_WriteShortestDigitsInJavaScriptsLayout(float value, string expected)
    {
        Assert.Equal(expected, Text(value));
    }

    [Fact]
    public void Format_RandomBitPatterns_ParseBackToTheSameBitsWithNoMoreDigitsThanDotNet()
    {
        var random = new Random(20261129);
        for (var i = 0; i < 1_000_000; i++)
        {
            var value = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
            if (!float.IsFinite(value))
            {
                continue;
            }

            var text = Text(value);
            var dotNet = value.ToString("R", CultureInfo.InvariantCulture);

            Assert.Equal(BitConverter.SingleToUInt32Bits(value), BitConverter.SingleToUInt32Bits(float.Parse(text, CultureInfo.InvariantCulture)));
            Assert.True(SignificantDigits(text) <= SignificantDigits(dotNet), $"{text} is longer than .NET's {dotNet}");
        }
    }

    [Fact]
    public void Format_EveryFloatInOneBinadeAndAroundTheSubnormals_ParsesBackToTheSameBits()
    {
        var buffer = new byte[ShortestFloat.MaxChars];
        IEnumerable<uint> Range(uint first, uint count) => Enumerable.Range(0, (int)count).Select(i => first + (uint)i);
        var binadeOfOne = Range(0x3F80_0000, 1 << 23);
        var smallestSubnormals = Range(1, 1 << 16);
        var aroundSmallestNormal = Range(0x0080_0000 - (1 << 16), 1 << 17);
        foreach (var bits in binadeOfOne.Concat(smallestSubnormals).Concat(aroundSmallestNormal))
        {
            var length = ShortestFloat.Format(BitConverter.UInt32BitsToSingle(bits), buffer);

            // csFastFloat, an implementation independent of ours, as the oracle: fast enough for millions of values.
            Assert.True(FastFloatParser.TryParseFloat(buffer.AsSpan(0, length), out var consumed, out float back));
            Assert.Equal(length, consumed);
            Assert.Equal(bits, BitConverter.SingleToUInt32Bits(back));
        }
    }

    [Fact]
    public void Format_Anything_IsOneJsonNumberToken()
    {
        float[] values = [0f, -0f, float.Epsilon, float.MaxValue, 1e21f, 1e-7f, 0.5f, -123.456f, 1e20f];
        foreach (var value in values)
        {
            var bytes = Encoding.ASCII.GetBytes(Text(value));
            var reader = new Utf8JsonReader(bytes);

            Assert.True(reader.Read());
            Assert.Equal(JsonTokenType.Number, reader.TokenType);
            Assert.Equal(bytes.Length, reader.BytesConsumed);
        }
    }

    [Fact]
    public void Format_DestinationShorterThanMaxChars_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ShortestFloat.Format(1f, new byte[ShortestFloat.MaxChars - 1]));
    }

    private static string Text(float value)
    {
        var buffer = new byte[ShortestFloat.MaxChars];
        return Encoding.ASCII.GetString(buffer, 0, ShortestFloat.Format(value, buffer));
    }

    /// <summary>Digits without sign, point, exponent, leading or trailing zeros ("1.50E-05" has 2).</summary>
    private static int SignificantDigits(string text)
    {
        var mantissa = text.Split('e', 'E')[0].TrimStart('-').Replace(".", string.Empty, StringComparison.Ordinal).Trim('0');
        return Math.Max(1, mantissa.Length);
    }
}
