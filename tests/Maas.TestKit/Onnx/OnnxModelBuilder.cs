using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Maas.TestKit.Onnx;

/// <summary>
/// Writes real ONNX files from C#: declare inputs, initializers, nodes and outputs, then <see cref="ToBytes"/>.
/// The result is an ordinary ModelProto that ONNX Runtime loads like any exported model.
/// </summary>
public sealed class OnnxModelBuilder
{
    public const long DefaultOpset = 17;
    public const long DefaultIrVersion = 8;
    public const string Producer = "Maas.TestKit";

    private readonly GraphProto _graph;
    private readonly Dictionary<string, string> _metadata = [];
    private readonly List<(string Location, byte[] Bytes)> _externalFiles = [];
    private readonly Dictionary<string, long> _extraOpsets = [];

    public OnnxModelBuilder(string graphName) => _graph = new GraphProto { Name = graphName };

    /// <summary>Files the graph references as external data (file name relative to the model, bytes); upload them beside <c>model.onnx</c>.</summary>
    public IReadOnlyList<(string Location, byte[] Bytes)> ExternalFiles => _externalFiles;

    public OnnxModelBuilder Input(string name, DataType type, params TensorDim[] shape)
    {
        _graph.Input.Add(ValueInfo(name, type, shape));
        return this;
    }

    public OnnxModelBuilder Output(string name, DataType type, params TensorDim[] shape)
    {
        _graph.Output.Add(ValueInfo(name, type, shape));
        return this;
    }

    /// <summary>An output declared with its element type only: ONNX Runtime infers its shape (as far as the session's options let it).</summary>
    public OnnxModelBuilder OutputOfInferredShape(string name, DataType type)
    {
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type } } });
        return this;
    }

    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, Action<NodeProto>? configure = null)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        configure?.Invoke(node);
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Imports an operator set besides the default domain, e.g. <c>ai.onnx.ml</c> for ZipMap.</summary>
    public OnnxModelBuilder Opset(string domain, long version)
    {
        _extraOpsets[domain] = version;
        return this;
    }

    /// <summary>An output that is a sequence of maps (what sklearn-onnx's ZipMap produces).</summary>
    public OnnxModelBuilder SequenceOfMapsOutput(string name, DataType keyType, DataType valueType)
    {
        var map = new TypeProto.Types.Map { KeyType = (int)keyType, ValueType = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)valueType } } };
        _graph.Output.Add(new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { SequenceType = new TypeProto.Types.Sequence { ElemType = new TypeProto { MapType = map } } },
        });
        return this;
    }

    public OnnxModelBuilder Initializer(string name, float[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return this;
    }

    public OnnxModelBuilder Initializer(string name, long[] values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return this;
    }

    /// <summary>A float initializer whose bytes live in the external file <paramref name="location"/> (ONNX external data).</summary>
    public OnnxModelBuilder ExternalInitializer(string name, string location, float[] values, params long[] dims)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
        tensor.Dims.AddRange(dims);
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "0" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _graph.Initializer.Add(tensor);
        _externalFiles.Add((location, bytes));
        return this;
    }

    public OnnxModelBuilder Metadata(string key, string value)
    {
        _metadata[key] = value;
        return this;
    }

    public byte[] ToBytes()
    {
        var model = new ModelProto
        {
            IrVersion = DefaultIrVersion,
            ProducerName = Producer,
            ProducerVersion = "1.0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = DefaultOpset });
        foreach (var (domain, version) in _extraOpsets)
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }
        foreach (var (key, value) in _metadata)
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return model.ToByteArray();
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, TensorDim[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            tensorShape.Dim.Add(dim.Symbol is null
                ? new TensorShapeProto.Types.Dimension { DimValue = dim.Value ?? 0 }
                : new TensorShapeProto.Types.Dimension { DimParam = dim.Symbol });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }
}
