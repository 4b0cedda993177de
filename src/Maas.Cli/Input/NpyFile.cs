using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Maas.Cli.Input;

/// <summary>
/// A NumPy <c>.npy</c> array (format versions 1-3, C order, little-endian): its V2 datatype, shape and raw element bytes.
/// </summary>
public sealed partial record NpyFile(string Datatype, long[] Shape, byte[] Data)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>NumPy type codes (<c>descr</c>) and the V2 datatype and element size they are.</summary>
    private static readonly Dictionary<string, (string Datatype, int Size)> Types = new(StringComparer.Ordinal)
    {
        ["<f4"] = ("FP32", 4), ["<f8"] = ("FP64", 8), ["<f2"] = ("FP16", 2),
        ["<i8"] = ("INT64", 8), ["<i4"] = ("INT32", 4), ["<i2"] = ("INT16", 2), ["|i1"] = ("INT8", 1),
        ["<u8"] = ("UINT64", 8), ["<u4"] = ("UINT32", 4), ["<u2"] = ("UINT16", 2), ["|u1"] = ("UINT8", 1),
        ["|b1"] = ("BOOL", 1),
    };

    public static bool IsNpy(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    public static NpyFile Parse(byte[] bytes, string what)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (!IsNpy(bytes) || bytes.Length < 10)
        {
            throw new CliException($"{what} is not a .npy file (it does not start with \\x93NUMPY).");
        }

        var major = bytes[6];
        var (headerLength, headerStart) = major switch
        {
            1 => ((int)BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)), 10),
            2 or 3 => ((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)), 12),
            _ => throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{what} is .npy format version {major}; expected 1, 2 or 3.")),
        };
        if (headerStart + headerLength > bytes.Length)
        {
            throw new CliException($"{what} ends inside its header.");
        }

        var header = Encoding.Latin1.GetString(bytes, headerStart, headerLength);
        var descr = DescrPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success)
        {
            throw new CliException($"{what} has a header without descr or shape: {header.Trim()}");
        }

        if (FortranPattern().IsMatch(header))
        {
            throw new CliException($"{what} is in Fortran order; save it in C order (numpy.ascontiguousarray).");
        }

        if (!Types.TryGetValue(descr.Groups[1].Value, out var type))
        {
            throw new CliException($"{what} holds '{descr.Groups[1].Value}' elements; expected one of {string.Join(", ", Types.Keys)} (little-endian numbers or booleans).");
        }

        long[] dims = [.. shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => long.Parse(d, CultureInfo.InvariantCulture))];
        var data = bytes.AsSpan(headerStart + headerLength).ToArray();
        var expected = dims.Aggregate(1L, (product, d) => product * d) * type.Size;
        return data.Length == expected
            ? new NpyFile(type.Datatype, dims, data)
            : throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{what} has {data.Length} data bytes; its shape ({string.Join(",", dims)}) of '{descr.Groups[1].Value}' needs {expected}."));
    }

    /// <summary>The array as nested JSON arrays (the simple API's shape).</summary>
    public JsonNode ToJson()
    {
        var values = new JsonNode?[Data.Length / TensorInput.SizeOf(Datatype)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = TensorInput.Element(Datatype, Data, i);
        }

        return TensorInput.Nest(values, Shape);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();

    [GeneratedRegex(@"'fortran_order'\s*:\s*True")]
    private static partial Regex FortranPattern();
}
