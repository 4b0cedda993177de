using Maas.Core.Evaluation;
using Maas.Core.Models;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Tests.Evaluation;

public sealed class EvaluationSetTests
{
    private static readonly ModelInspection OneInput = new(
        [new TensorSignature("x", TensorKind.Tensor, TensorElementType.Float, [-1, 3])],
        [new TensorSignature("label", TensorKind.Tensor, TensorElementType.Int64, [-1])],
        17,
        "test",
        new Dictionary<string, string>());

    private static readonly ModelInspection TwoInputs = OneInput with
    {
        Inputs = [.. OneInput.Inputs, new TensorSignature("mask", TensorKind.Tensor, TensorElementType.Bool, [-1, 3])],
    };

    [Fact]
    public void ParseLine_BatchedRows_FlattensRowMajorWithTheirShape()
    {
        var line = EvaluationSet.ParseLine("""{"inputs": {"x": [[1, 2, 3], [4, 5, 6]]}, "expected": {"label": [2, "cat"]}}""", 7, OneInput);

        Assert.Equal(7, line.Line);
        Assert.Equal(2, line.Rows);
        Assert.Equal([2L, 3L], line.Inputs["x"].Shape);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], line.Inputs["x"].Values.Select(v => v.Number));
        Assert.Equal([2L], line.Expected["label"].Shape);
        Assert.Equal("cat", line.Expected["label"].Values[1].Text);
    }

    [Fact]
    public void ParseLine_SingleInputShorthand_NamesTheModelsInput()
    {
        var line = EvaluationSet.ParseLine("""{"input": [[1, 2, 3]], "expected": {"label": 0}}""", 1, OneInput);

        Assert.Equal([1L, 3L], line.Inputs["x"].Shape);
        Assert.Empty(line.Expected["label"].Shape);
        Assert.Equal(0L, line.Expected["label"].Values[0].Whole);
    }

    [Theory]
    [InlineData("""{"inputs": {"x": [[1, 2, 3]]}""", "is not valid JSON")]
    [InlineData("""[1, 2]""", "must be a JSON object with inputs (or input) and expected")]
    [InlineData("""{"inputs": {"x": [[1, 2, 3]]}}""", "needs both inputs (or input) and a non-empty expected")]
    [InlineData("""{"inputs": {"x": [[1, 2]]}, "expected": {"label": [0]}}""", "input 'x' has shape [1,2]; the model takes [-1,3] (-1: any size)")]
    [InlineData("""{"inputs": {"x": [[1, 2, 3], [4, 5]]}, "expected": {"label": [0, 1]}}""", "input 'x' is ragged: every array at depth 2 must have 3 elements")]
    [InlineData("""{"inputs": {"x": [[1, 2, {"a": 1}]]}, "expected": {"label": [0]}}""", "input 'x' holds an object where a number, string or boolean was expected")]
    [InlineData("""{"inputs": {"y": [[1, 2, 3]]}, "expected": {"label": [0]}}""", "has input 'y', which the model does not take; its inputs are x")]
    [InlineData("""{"inputs": {"x": [[1, 2, 3]]}, "expected": {"probs": [0]}}""", "expects output 'probs', which the model does not have; its outputs are label")]
    [InlineData("""{"inputs": {"x": [[1, 2, 3]]}, "expected": {"label": [0]}, "weight": 2}""", "field 'weight' is unknown; expected inputs (or input) and expected")]
    public void ParseLine_BadLine_SaysWhatIsWrong(string text, string expected)
    {
        var error = Assert.Throws<EvaluationSetException>(() => EvaluationSet.ParseLine(text, 3, OneInput));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseLine_ShorthandOnATwoInputModel_AsksForInputs()
    {
        var error = Assert.Throws<EvaluationSetException>(() => EvaluationSet.ParseLine("""{"input": [[1, 2, 3]], "expected": {"label": 0}}""", 1, TwoInputs));

        Assert.Contains("uses \"input\", which only a single-input model takes; this model has inputs x, mask", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseLine_MissingInput_NamesIt()
    {
        var error = Assert.Throws<EvaluationSetException>(() => EvaluationSet.ParseLine("""{"inputs": {"x": [[1, 2, 3]]}, "expected": {"label": 0}}""", 1, TwoInputs));

        Assert.Equal("lacks input 'mask'", error.Message);
    }

    [Fact]
    public void AtLine_Problem_NamesTheFileAndLine()
    {
        Assert.Equal("evaluation.jsonl line 12 lacks input 'mask'.", EvaluationSet.AtLine(12, "lacks input 'mask'"));
    }
}
