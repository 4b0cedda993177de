using System.Globalization;
using System.Text;
using Maas.Core.Json;

namespace Maas.Core.Tests.Json;

/// <summary>
/// JSON number parsing checked against .NET's correctly rounded <see cref="float.Parse(string, IFormatProvider)"/>:
/// every text is tried both with more of the body after it (the 16-byte window path) and at the body's very end (the
/// byte-by-byte path), so both must give the same bits.
/// </summary>
public sealed class JsonNumberTests
{
    /// <summary>What follows a number inside an array: enough bytes for the window path.</summary>
    private const string MoreOfTheArray = ",0.25,0.5,0.75,1.0,1.25,1.5,1.75,2.0]}";

    [Fact]
    public void TryParseFloat_RandomFloatsInEveryNotation_GiveTheBitsFloatParseGives()
    {
        var random = new Random(16);
        string[] formats = ["R", "G6", "G9", "E3", "E12", "F10"];
        for (var i = 0; i < 50_000; i++)
        {
            var value = BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32));
            if (!float.IsFinite(value))
            {
                continue;
            }

            foreach (var format in formats)
            {
                AssertParsesLikeFloatParse(value.ToString(format, CultureInfo.InvariantCulture));
            }

            // What Python's json.dumps writes for a float32 widened to double: 17 significant digits.
            AssertParsesLikeFloatParse(((double)value).ToString("R", CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void TryParseFloat_RandomDecimalStrings_GiveTheBitsFloatParseGives()
    {
        var random = new Random(32);
        for (var i = 0; i < 100_000; i++)
        {
            var digits = random.NextInt64(1, 100_000_000).ToString(CultureInfo.InvariantCulture);
            var integer = random.Next(0, 8) == 0 ? "0" : digits[..Math.Min(digits.Length, random.Next(1, 9))];
            var fraction = string.Concat(Enumerable.Range(0, random.Next(0, 20)).Select(_ => (char)('0' + random.Next(10))));
            var exponent = random.Next(0, 3) == 0 ? $"e{random.Next(-50, 45)}" : string.Empty;
            var sign = random.Next(2) == 0 ? "-" : string.Empty;
            AssertParsesLikeFloatParse(sign + integer + (fraction.Length > 0 ? "." + fraction : string.Empty) + exponent);
        }
    }

    [Theory]
    [InlineData("16777217", 16777216f)] // exactly between 2^24 and 2^24 + 2: ties to even
    [InlineData("16777219", 16777220f)]
    [InlineData("16777217.000000001", 16777218f)] // a hair above the midpoint
    [InlineData("0.5000000298023223876953125", 0.5f)] // exactly between 0.5 and the next float: ties to even
    [InlineData("0.50000003", 0.50000006f)] // above that midpoint, in the window path's reach
    [InlineData("-0", -0f)]
    [InlineData("0e10", 0f)]
    [InlineData("1e-50", 0f)] // below half the smallest subnormal
    [InlineData("3.4028235e38", float.MaxValue)]
    [InlineData("3.4028235677973366e38", float.MaxValue)] // just below the midpoint to 2^128
    public void TryParseFloat_Midpoints_RoundToNearestEven(string text, float expected)
    {
        foreach (var json in new[] { text, text + MoreOfTheArray })
        {
            Assert.True(JsonNumber.TryParseFloat(Encoding.ASCII.GetBytes(json), 0, out var end, out var value), json);
            Assert.Equal(text.Length, end);
            Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(value));
        }
    }

    [Theory]
    [InlineData("01")]
    [InlineData("-01.5")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("+1")]
    [InlineData("-")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("1.e5")]
    [InlineData("NaN")]
    [InlineData("\"1\"")]
    [InlineData("3.5e38")] // beyond FP32
    [InlineData("-1e39")]
    [InlineData("1e400")]
    public void TryParseFloat_NotAnFp32JsonNumber_IsFalse(string text)
    {
        Assert.False(JsonNumber.TryParseFloat(Encoding.ASCII.GetBytes(text), 0, out _, out _));
        Assert.False(JsonNumber.TryParseFloat(Encoding.ASCII.GetBytes(text + MoreOfTheArray), 0, out _, out _));
    }

    [Theory]
    [InlineData("127", sbyte.MinValue, sbyte.MaxValue, 127L)]
    [InlineData("-128", sbyte.MinValue, sbyte.MaxValue, -128L)]
    [InlineData("-0", 0L, byte.MaxValue, 0L)]
    [InlineData("9223372036854775807", long.MinValue, long.MaxValue, long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue, long.MaxValue, long.MinValue)]
    [InlineData("4294967295", 0L, uint.MaxValue, 4294967295L)]
    public void TryParseInteger_WithinRange_ReadsTheValue(string text, long min, long max, long expected)
    {
        Assert.True(JsonNumber.TryParseInteger(Encoding.ASCII.GetBytes(text + ","), 0, min, max, out var end, out var value));
        Assert.Equal(text.Length, end);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("128", sbyte.MinValue, sbyte.MaxValue)]
    [InlineData("-129", sbyte.MinValue, sbyte.MaxValue)]
    [InlineData("-1", 0L, byte.MaxValue)]
    [InlineData("9223372036854775808", long.MinValue, long.MaxValue)]
    [InlineData("-9223372036854775809", long.MinValue, long.MaxValue)]
    [InlineData("99999999999999999999", long.MinValue, long.MaxValue)]
    [InlineData("1.0", long.MinValue, long.MaxValue)]
    [InlineData("1e2", long.MinValue, long.MaxValue)]
    [InlineData("01", long.MinValue, long.MaxValue)]
    [InlineData("-", long.MinValue, long.MaxValue)]
    public void TryParseInteger_OutOfRangeOrNotAnInteger_IsFalse(string text, long min, long max)
    {
        Assert.False(JsonNumber.TryParseInteger(Encoding.ASCII.GetBytes(text), 0, min, max, out _, out _));
    }

    private static void AssertParsesLikeFloatParse(string text)
    {
        var expected = float.Parse(text, CultureInfo.InvariantCulture);
        foreach (var json in new[] { text, text + MoreOfTheArray })
        {
            var parsed = JsonNumber.TryParseFloat(Encoding.ASCII.GetBytes(json), 0, out var end, out var value);
            if (!float.IsFinite(expected))
            {
                Assert.False(parsed, $"{text} is beyond FP32 and must be refused");
                continue;
            }

            Assert.True(parsed, text);
            Assert.Equal(text.Length, end);
            Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(value), $"{text}: {value:R} instead of {expected:R}");
        }
    }
}
