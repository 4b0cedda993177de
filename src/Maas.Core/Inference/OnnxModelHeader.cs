using System.Text;

namespace Maas.Core.Inference;

/// <summary>
/// Reads the default-domain opset from an ONNX ModelProto without loading the graph (ONNX Runtime does not expose it).
/// Walks the top-level protobuf fields and seeks past the graph, so a large model costs a few reads.
/// </summary>
internal static class OnnxModelHeader
{
    private const int OpsetImportField = 8;
    private const int DomainField = 1;
    private const int VersionField = 2;
    private const int VarintWireType = 0;
    private const int Fixed64WireType = 1;
    private const int LengthDelimitedWireType = 2;
    private const int Fixed32WireType = 5;

    /// <summary>The opset of the default ONNX domain, or null when the file does not declare one.</summary>
    public static long? ReadOpset(Stream model)
    {
        long? opset = null;
        while (model.Position < model.Length)
        {
            var (field, wireType) = ReadTag(model);
            if (field == OpsetImportField && wireType == LengthDelimitedWireType)
            {
                var length = (long)ReadVarint(model);
                var (domain, version) = ReadOperatorSet(model, model.Position + length);
                if (domain is "" or "ai.onnx")
                {
                    opset = version;
                }
            }
            else
            {
                Skip(model, wireType);
            }
        }

        return opset;
    }

    private static (string Domain, long Version) ReadOperatorSet(Stream model, long end)
    {
        var domain = string.Empty;
        long version = 0;
        while (model.Position < end)
        {
            var (field, wireType) = ReadTag(model);
            if (field == DomainField && wireType == LengthDelimitedWireType)
            {
                var bytes = new byte[(int)ReadVarint(model)];
                model.ReadExactly(bytes);
                domain = Encoding.UTF8.GetString(bytes);
            }
            else if (field == VersionField && wireType == VarintWireType)
            {
                version = (long)ReadVarint(model);
            }
            else
            {
                Skip(model, wireType);
            }
        }

        return (domain, version);
    }

    private static (int Field, int WireType) ReadTag(Stream model)
    {
        var tag = ReadVarint(model);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    private static void Skip(Stream model, int wireType)
    {
        var skip = wireType switch
        {
            VarintWireType => 0L,
            Fixed64WireType => 8L,
            LengthDelimitedWireType => (long)ReadVarint(model),
            Fixed32WireType => 4L,
            _ => throw new InvalidDataException($"Not an ONNX model: unexpected protobuf wire type {wireType}."),
        };
        if (wireType == VarintWireType)
        {
            ReadVarint(model);
            return;
        }

        if (model.Position + skip > model.Length)
        {
            throw new InvalidDataException("Not an ONNX model: a field runs past the end of the file.");
        }

        model.Seek(skip, SeekOrigin.Current);
    }

    private static ulong ReadVarint(Stream model)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var next = model.ReadByte();
            if (next < 0)
            {
                throw new InvalidDataException("Not an ONNX model: the file ends inside a field.");
            }

            value |= (ulong)(next & 0x7F) << shift;
            if ((next & 0x80) == 0)
            {
                return value;
            }
        }

        throw new InvalidDataException("Not an ONNX model: a varint is longer than 64 bits.");
    }
}
