using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Maas.TestKit.Onnx;

/// <summary>
/// The catalogue of small models the tests use, with their known parameters so tests compute expected
/// outputs independently of the service.
/// </summary>
public static class TestModels
{
    public const string BatchDim = "batch";
    public const int LinearInputs = 4;
    public const int LinearOutputs = 3;

    /// <summary>W of the linear model, row-major [4, 3].</summary>
    public static float[] LinearWeights { get; } =
    [
        0.5f, -1.0f, 2.0f,
        1.5f, 0.25f, -0.5f,
        -2.0f, 1.0f, 0.75f,
        0.1f, 0.2f, 0.3f,
    ];

    /// <summary>b of the linear model, [3].</summary>
    public static float[] LinearBias { get; } = [0.1f, -0.2f, 0.3f];

    public const long Int64Factor = 3;

    /// <summary><c>y = xW + b</c>; x: FP32[batch, 4], y: FP32[batch, 3]; batch is dynamic.</summary>
    public static byte[] Linear() => LinearBuilder(BatchDim).ToBytes();

    /// <summary>The linear model with the batch fixed at 1: x: FP32[1, 4], y: FP32[1, 3].</summary>
    public static byte[] LinearFixedBatch() => LinearBuilder(1).ToBytes();

    /// <summary><c>y = x * 3</c> on INT64[batch, 3].</summary>
    public static byte[] Int64Scale() => new OnnxModelBuilder("int64_scale")
        .Input("x", DataType.Int64, BatchDim, 3)
        .Initializer("k", [Int64Factor], 1)
        .Node("Mul", ["x", "k"], ["y"])
        .Output("y", DataType.Int64, BatchDim, 3)
        .ToBytes();

    /// <summary>
    /// A classifier whose inputs are its own class scores: <c>x</c> FP32[batch, <paramref name="classes"/>] →
    /// <c>scores</c> (Identity) and <c>label</c> INT64[batch] (ArgMax over the classes, first on ties). Tests choose the
    /// predictions by choosing the inputs.
    /// </summary>
    public static byte[] ArgMaxClassifier(int classes = 3) => new OnnxModelBuilder("argmax_classifier")
        .Input("x", DataType.Float, BatchDim, classes)
        .Node("Identity", ["x"], ["scores"])
        .Node("ArgMax", ["x"], ["label"], node =>
        {
            node.Attribute.Add(new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int });
            node.Attribute.Add(new AttributeProto { Name = "keepdims", I = 0, Type = AttributeProto.Types.AttributeType.Int });
        })
        .Output("scores", DataType.Float, BatchDim, classes)
        .Output("label", DataType.Int64, BatchDim)
        .ToBytes();

    /// <summary>
    /// A classifier trained on class names, as ML.NET and scikit-learn export one: <c>x</c> FP32[batch, classes] →
    /// <c>label</c> STRING[batch], the name of the largest input's class (ArgMax, then a LabelEncoder from index to
    /// <paramref name="names"/>).
    /// </summary>
    public static byte[] NamedClassClassifier(params string[] names) => new OnnxModelBuilder("named_class_classifier")
        .Opset("ai.onnx.ml", 2)
        .Input("x", DataType.Float, BatchDim, names.Length)
        .Node("ArgMax", ["x"], ["index"], node =>
        {
            node.Attribute.Add(new AttributeProto { Name = "axis", I = 1, Type = AttributeProto.Types.AttributeType.Int });
            node.Attribute.Add(new AttributeProto { Name = "keepdims", I = 0, Type = AttributeProto.Types.AttributeType.Int });
        })
        .Node("LabelEncoder", ["index"], ["label"], node =>
        {
            node.Domain = "ai.onnx.ml";
            var keys = new AttributeProto { Name = "keys_int64s", Type = AttributeProto.Types.AttributeType.Ints };
            keys.Ints.AddRange(Enumerable.Range(0, names.Length).Select(i => (long)i));
            var values = new AttributeProto { Name = "values_strings", Type = AttributeProto.Types.AttributeType.Strings };
            values.Strings.AddRange(names.Select(Google.Protobuf.ByteString.CopyFromUtf8));
            node.Attribute.Add(keys);
            node.Attribute.Add(values);
            node.Attribute.Add(new AttributeProto { Name = "default_string", S = Google.Protobuf.ByteString.CopyFromUtf8("_Unused"), Type = AttributeProto.Types.AttributeType.String });
        })
        .Output("label", DataType.String, BatchDim)
        .ToBytes();

    /// <summary>ONNX strings in and out: <c>text</c> STRING[batch] → <c>echo</c> STRING[batch] (Identity).</summary>
    public static byte[] StringIdentity() => Identity(DataType.String, "text", "echo");

    /// <summary>Any element type through Identity: <paramref name="input"/>[batch, n] → <paramref name="output"/>[batch, n].</summary>
    public static byte[] Identity(DataType type, string input = "x", string output = "y") => new OnnxModelBuilder($"identity_{type}")
        .Input(input, type, BatchDim, "n")
        .Node("Identity", [input], [output])
        .Output(output, type, BatchDim, "n")
        .ToBytes();

    /// <summary>
    /// A row of personal data echoed through Identity nodes, for capture's de-identification: <c>ssn</c> BYTES,
    /// <c>age</c> INT64, <c>income</c> FP32, <c>member</c> BOOL, each [batch, 1] → <c>ssn_out</c>, <c>age_out</c>,
    /// <c>income_out</c>, <c>member_out</c>.
    /// </summary>
    public static byte[] PersonalRecord()
    {
        var builder = new OnnxModelBuilder("personal_record");
        foreach (var (name, type) in new[] { ("ssn", DataType.String), ("age", DataType.Int64), ("income", DataType.Float), ("member", DataType.Bool) })
        {
            builder.Input(name, type, BatchDim, 1).Node("Identity", [name], [name + "_out"]).Output(name + "_out", type, BatchDim, 1);
        }

        return builder.ToBytes();
    }

    /// <summary>
    /// A transformer-sized stack of feed-forward blocks (x·W1 + b1 → Relu → ·W2 + b2 → + x), <paramref name="blocks"/> of
    /// them over width <paramref name="width"/> and hidden size <paramref name="hidden"/>: with the defaults about 96 MiB
    /// of FP32 weights, seeded random. <c>x</c> FP32[batch, width] → <c>y</c> FP32[batch, width].
    /// </summary>
    public static byte[] FeedForwardStack(int blocks = 3, int width = 1024, int hidden = 4096)
    {
        var random = new Random(blocks * 31 + width);
        float[] Weights(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * 0.02))];
        var builder = new OnnxModelBuilder("feed_forward_stack").Input("x", DataType.Float, BatchDim, width);
        var current = "x";
        for (var block = 0; block < blocks; block++)
        {
            var p = $"b{block}_";
            builder.Initializer(p + "w1", Weights(width * hidden), width, hidden)
                .Initializer(p + "b1", Weights(hidden), hidden)
                .Initializer(p + "w2", Weights(hidden * width), hidden, width)
                .Initializer(p + "b2", Weights(width), width)
                .Node("MatMul", [current, p + "w1"], [p + "h"])
                .Node("Add", [p + "h", p + "b1"], [p + "hb"])
                .Node("Relu", [p + "hb"], [p + "r"])
                .Node("MatMul", [p + "r", p + "w2"], [p + "o"])
                .Node("Add", [p + "o", p + "b2"], [p + "ob"])
                .Node("Add", [p + "ob", current], [p + "y"]);
            current = p + "y";
        }

        return builder.Node("Identity", [current], ["y"]).Output("y", DataType.Float, BatchDim, width).ToBytes();
    }

    /// <summary>Two inputs, two outputs: <c>a</c>, <c>b</c> FP32[batch, 2] → <c>sum</c> = a + b, <c>product</c> = a * b.</summary>
    public static byte[] MultiInputOutput() => new OnnxModelBuilder("multi_io")
        .Input("a", DataType.Float, BatchDim, 2)
        .Input("b", DataType.Float, BatchDim, 2)
        .Node("Add", ["a", "b"], ["sum"])
        .Node("Mul", ["a", "b"], ["product"])
        .Output("sum", DataType.Float, BatchDim, 2)
        .Output("product", DataType.Float, BatchDim, 2)
        .ToBytes();

    /// <summary>The linear model with W stored as external data in <c>weights.bin</c>; upload both files.</summary>
    public static OnnxModelBuilder LinearWithExternalWeights(string location = "weights.bin") => new OnnxModelBuilder("linear_external")
        .Input("x", DataType.Float, BatchDim, LinearInputs)
        .ExternalInitializer("W", location, LinearWeights, LinearInputs, LinearOutputs)
        .Initializer("b", LinearBias, LinearOutputs)
        .Node("MatMul", ["x", "W"], ["xw"])
        .Node("Add", ["xw", "b"], ["y"])
        .Output("y", DataType.Float, BatchDim, LinearOutputs);

    /// <summary>Class labels of <see cref="Classifier"/>.</summary>
    public static long[] ClassifierLabels { get; } = [10, 20, 30];

    /// <summary>
    /// A classifier shaped like sklearn-onnx output: <c>x</c> FP32[batch, 3] → <c>scores</c> FP32[batch, 3] (Identity) and
    /// <c>probabilities</c>, a sequence of maps label → score (ZipMap), one map per row.
    /// </summary>
    public static byte[] Classifier() => new OnnxModelBuilder("classifier")
        .Opset("ai.onnx.ml", 1)
        .Input("x", DataType.Float, BatchDim, 3)
        .Node("Identity", ["x"], ["scores"])
        .Node("ZipMap", ["x"], ["probabilities"], node =>
        {
            node.Domain = "ai.onnx.ml";
            var labels = new global::Onnx.AttributeProto { Name = "classlabels_int64s", Type = global::Onnx.AttributeProto.Types.AttributeType.Ints };
            labels.Ints.AddRange(ClassifierLabels);
            node.Attribute.Add(labels);
        })
        .Output("scores", DataType.Float, BatchDim, 3)
        .SequenceOfMapsOutput("probabilities", DataType.Int64, DataType.Float)
        .ToBytes();

    /// <summary>
    /// Declares a variable first dimension on input and output but regroups rows: x FP32[batch, 2] → y FP32[-1, 4]
    /// (Reshape). A batch of 4 single-row requests yields 2 output rows, so it cannot be split back per request.
    /// </summary>
    public static byte[] RowRegrouping() => new OnnxModelBuilder("row_regrouping")
        .Input("x", DataType.Float, BatchDim, 2)
        .Initializer("shape", [-1L, 4L], 2)
        .Node("Reshape", ["x", "shape"], ["y"])
        .Output("y", DataType.Float, "groups", 4)
        .ToBytes();

    /// <summary>Token ids the embedding table has rows for: 0 to 3.</summary>
    public const int EmbeddingVocabulary = 4;

    /// <summary>Width of each embedding row.</summary>
    public const int EmbeddingWidth = 3;

    /// <summary>
    /// An embedding lookup: <c>ids</c> INT64[batch, seq] → <c>vectors</c> FP32[batch, seq, 3] (Gather on a 4-row table
    /// whose row i is [i, 10i, 100i]). An id outside 0..3 passes the signature but ONNX Runtime rejects it while running
    /// (<c>InvalidArgument</c>: indices element out of data bounds), like a token id past a transformer's vocabulary.
    /// </summary>
    public static byte[] Embedding() => new OnnxModelBuilder("embedding")
        .Input("ids", DataType.Int64, BatchDim, "seq")
        .Initializer("table", [.. Enumerable.Range(0, EmbeddingVocabulary).SelectMany(i => new float[] { i, 10 * i, 100 * i })], EmbeddingVocabulary, EmbeddingWidth)
        .Node("Gather", ["table", "ids"], ["vectors"], node => node.Attribute.Add(new AttributeProto { Name = "axis", I = 0, Type = AttributeProto.Types.AttributeType.Int }))
        .Output("vectors", DataType.Float, BatchDim, "seq", EmbeddingWidth)
        .ToBytes();

    /// <summary>
    /// x FP32[batch, 12] → y, reshaped to [-1, 6] by a shape computed as Add([-1, 2], [0, 4]); y's shape is not declared.
    /// Without graph optimisation ONNX Runtime reports y as FP32[-1,-1]; constant folding (any optimisation level) makes
    /// the shape an initializer and y FP32[-1,6], like a transformer's hidden size after its attention is fused.
    /// </summary>
    public static byte[] FoldedReshape() => new OnnxModelBuilder("folded_reshape")
        .Input("x", DataType.Float, BatchDim, 12)
        .Initializer("a", [-1L, 2L], 2)
        .Initializer("c", [0L, 4L], 2)
        .Node("Add", ["a", "c"], ["shape"])
        .Node("Reshape", ["x", "shape"], ["y"])
        .OutputOfInferredShape("y", DataType.Float)
        .ToBytes();

    /// <summary>
    /// Declares a variable first dimension but sums over it: x FP32[batch, 2] → y = ReduceSum(x, axis 0) FP32[1, 2].
    /// Alone, a one-row request gets its own row back; a batch's output cannot be split back per request.
    /// </summary>
    public static byte[] RowSum() => new OnnxModelBuilder("row_sum")
        .Input("x", DataType.Float, BatchDim, 2)
        .Initializer("axes", [0L], 1)
        .Node("ReduceSum", ["x", "axes"], ["y"], node => node.Attribute.Add(new AttributeProto { Name = "keepdims", I = 1, Type = AttributeProto.Types.AttributeType.Int }))
        .Output("y", DataType.Float, "sums", 2)
        .ToBytes();

    /// <summary>The first half of a valid model: looks like ONNX, does not load.</summary>
    public static byte[] Corrupt()
    {
        var valid = Linear();
        return valid[..(valid.Length / 2)];
    }

    /// <summary>Computes the linear model's output for a row-major [rows, 4] input, independently of ONNX Runtime.</summary>
    public static float[] LinearExpected(float[] x)
    {
        var rows = x.Length / LinearInputs;
        var y = new float[rows * LinearOutputs];
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < LinearOutputs; j++)
            {
                var sum = LinearBias[j];
                for (var i = 0; i < LinearInputs; i++)
                {
                    sum += x[(r * LinearInputs) + i] * LinearWeights[(i * LinearOutputs) + j];
                }

                y[(r * LinearOutputs) + j] = sum;
            }
        }

        return y;
    }

    private static OnnxModelBuilder LinearBuilder(TensorDim batch) => new OnnxModelBuilder("linear")
        .Input("x", DataType.Float, batch, LinearInputs)
        .Initializer("W", LinearWeights, LinearInputs, LinearOutputs)
        .Initializer("b", LinearBias, LinearOutputs)
        .Node("MatMul", ["x", "W"], ["xw"])
        .Node("Add", ["xw", "b"], ["y"])
        .Output("y", DataType.Float, batch, LinearOutputs)
        .Metadata("purpose", "test");
}
