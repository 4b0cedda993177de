using System.Buffers.Binary;
using System.Text;
using Xunit;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Maas.TestKit.Serving;

/// <summary>
/// Four elements of one V2 datatype, including its extremes, as JSON and as the binary extension's little-endian
/// bytes, both written here independently of the service.
/// </summary>
public sealed record DatatypeSample(string Datatype, DataType OnnxType, string JsonElements, byte[] Binary)
{
    public static IReadOnlyList<DatatypeSample> All { get; } =
    [
        new("BOOL", DataType.Bool, "true,false,true,true", [1, 0, 1, 1]),
        new("UINT8", DataType.Uint8, "0,1,254,255", [0, 1, 254, 255]),
        new("UINT16", DataType.Uint16, "0,1,65534,65535", Bytes<ushort>([0, 1, 65534, 65535], BinaryPrimitives.WriteUInt16LittleEndian)),
        new("UINT32", DataType.Uint32, "0,1,4294967294,4294967295", Bytes<uint>([0, 1, 4294967294, 4294967295], BinaryPrimitives.WriteUInt32LittleEndian)),
        new("UINT64", DataType.Uint64, "0,1,18446744073709551614,18446744073709551615", Bytes<ulong>([0, 1, 18446744073709551614, 18446744073709551615], BinaryPrimitives.WriteUInt64LittleEndian)),
        new("INT8", DataType.Int8, "-128,-1,0,127", [0x80, 0xFF, 0, 127]),
        new("INT16", DataType.Int16, "-32768,-1,0,32767", Bytes<short>([-32768, -1, 0, 32767], BinaryPrimitives.WriteInt16LittleEndian)),
        new("INT32", DataType.Int32, "-2147483648,-1,0,2147483647", Bytes<int>([int.MinValue, -1, 0, int.MaxValue], BinaryPrimitives.WriteInt32LittleEndian)),
        new("INT64", DataType.Int64, "-9223372036854775808,-1,0,9223372036854775807", Bytes<long>([long.MinValue, -1, 0, long.MaxValue], BinaryPrimitives.WriteInt64LittleEndian)),
        new("FP16", DataType.Float16, "0.5,-2,65504,0.00006103515625", Bytes<ushort>([0x3800, 0xC000, 0x7BFF, 0x0400], BinaryPrimitives.WriteUInt16LittleEndian)),
        new("BF16", DataType.Bfloat16, "1,-2.5,0.15625,256", Bytes<ushort>([0x3F80, 0xC020, 0x3E20, 0x4380], BinaryPrimitives.WriteUInt16LittleEndian)),
        new("FP32", DataType.Float, "0.1,-1.5e-7,3.4028235e38,1", Bytes<float>([0.1f, -1.5e-7f, 3.4028235e38f, 1f], BinaryPrimitives.WriteSingleLittleEndian)),
        new("FP64", DataType.Double, "0.1,-1e-300,1.7976931348623157e308,2", Bytes<double>([0.1, -1e-300, double.MaxValue, 2], BinaryPrimitives.WriteDoubleLittleEndian)),
        new("BYTES", DataType.String, "\"hello\",\"\",\"\u00fcn\u00ef\",\"a\\\"b\"", Strings("hello", string.Empty, "\u00fcn\u00ef", "a\"b")),
    ];

    public static TheoryData<string> Names => [.. All.Select(sample => sample.Datatype)];

    public static DatatypeSample Of(string datatype) => All.Single(sample => sample.Datatype == datatype);

    public bool IsFloatingPoint => Datatype is "FP16" or "BF16" or "FP32" or "FP64";

    public override string ToString() => Datatype;

    /// <summary>Asserts the elements that came back equal the sample's: floating point to the precision JSON carries, all else exactly.</summary>
    public void AssertSameElements(IEnumerable<System.Text.Json.JsonElement> actual)
    {
        using var sent = System.Text.Json.JsonDocument.Parse($"[{JsonElements}]");
        var expected = sent.RootElement.EnumerateArray().ToList();
        var received = actual.ToList();
        Assert.Equal(expected.Count, received.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            if (IsFloatingPoint)
            {
                Assert.Equal(expected[i].GetDouble(), received[i].GetDouble(), tolerance: Math.Abs(expected[i].GetDouble()) * 1e-7);
            }
            else if (expected[i].ValueKind == System.Text.Json.JsonValueKind.String)
            {
                Assert.Equal(expected[i].GetString(), received[i].GetString());
            }
            else
            {
                Assert.Equal(expected[i].GetRawText(), received[i].GetRawText());
            }
        }
    }

    private static byte[] Bytes<T>(T[] values, SpanWriter<T> write)
    {
        var size = System.Runtime.InteropServices.Marshal.SizeOf<T>();
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            write(bytes.AsSpan(i * size), values[i]);
        }

        return bytes;
    }

    private static byte[] Strings(params string[] values)
    {
        var bytes = new List<byte>();
        foreach (var value in values)
        {
            var utf8 = Encoding.UTF8.GetBytes(value);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
            bytes.AddRange(length);
            bytes.AddRange(utf8);
        }

        return [.. bytes];
    }

    private delegate void SpanWriter<in T>(Span<byte> destination, T value);
}
