using Maas.TestKit.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Inference;

/// <summary>Proves the test kit's models are real ONNX that ONNX Runtime loads and runs as documented.</summary>
public sealed class TestModelsTests
{
    public static TheoryData<string, byte[], string[], string[]> Models => new()
    {
        { "linear", TestModels.Linear(), ["x"], ["y"] },
        { "linear-fixed", TestModels.LinearFixedBatch(), ["x"], ["y"] },
        { "int64", TestModels.Int64Scale(), ["x"], ["y"] },
        { "string", TestModels.StringIdentity(), ["text"], ["echo"] },
        { "multi", TestModels.MultiInputOutput(), ["a", "b"], ["sum", "product"] },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Model_LoadsInOnnxRuntime_WithDeclaredSignature(string label, byte[] model, string[] inputs, string[] outputs)
    {
        using var session = new InferenceSession(model);

        Assert.Equal(inputs, session.InputNames);
        Assert.Equal(outputs, session.OutputNames);
        Assert.Equal(OnnxModelBuilder.Producer, session.ModelMetadata.ProducerName);
        Assert.False(string.IsNullOrEmpty(label));
    }

    [Fact]
    public void Linear_Shapes_HaveDynamicBatchAndFixedFeatures()
    {
        using var dynamicBatch = new InferenceSession(TestModels.Linear());
        using var fixedBatch = new InferenceSession(TestModels.LinearFixedBatch());

        Assert.Equal([-1, TestModels.LinearInputs], dynamicBatch.InputMetadata["x"].Dimensions);
        Assert.Equal(TestModels.BatchDim, dynamicBatch.InputMetadata["x"].SymbolicDimensions[0]);
        Assert.Equal([1, TestModels.LinearInputs], fixedBatch.InputMetadata["x"].Dimensions);
    }

    [Fact]
    public void Linear_Run_MatchesIndependentComputation()
    {
        float[] x = [1, 2, 3, 4, -1, 0.5f, 0, 2];
        using var session = new InferenceSession(TestModels.Linear());
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(x, [2, TestModels.LinearInputs]);

        using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);

        var expected = TestModels.LinearExpected(x);
        var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 5);
        }
    }

    [Fact]
    public void Int64Scale_Run_MultipliesByFactor()
    {
        long[] x = [1, -2, 3, long.MaxValue / 4, 0, 7];
        using var session = new InferenceSession(TestModels.Int64Scale());
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(x, [2, 3]);

        using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);

        Assert.Equal(x.Select(v => v * TestModels.Int64Factor), outputs[0].GetTensorDataAsSpan<long>().ToArray());
    }

    [Fact]
    public void StringIdentity_Run_EchoesUtf8Strings()
    {
        string[] text = ["hello", "größe", string.Empty];
        using var session = new InferenceSession(TestModels.StringIdentity());
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateFromStringTensor(new DenseTensor<string>(text, [3, 1]));

        using var outputs = session.Run(runOptions, ["text"], [input], ["echo"]);

        Assert.Equal(text, outputs[0].GetStringTensorAsArray());
    }

    [Fact]
    public void Corrupt_Load_FailsInOnnxRuntime()
        => Assert.ThrowsAny<OnnxRuntimeException>(() => new InferenceSession(TestModels.Corrupt()).Dispose());
}
