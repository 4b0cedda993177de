using Maas.Core.Registry;

namespace Maas.Core.Tests.Registry;

public sealed class ModelBlobPathTests
{
    [Theory]
    [InlineData("fraud/3/model.onnx", "fraud", 3L, "model.onnx")]
    [InlineData("a/1/model.onnx", "a", 1L, "model.onnx")]
    [InlineData("fraud-v2.x_y/10/weights.bin", "fraud-v2.x_y", 10L, "weights.bin")]
    [InlineData("fraud/9999999999/data/part1.bin", "fraud", 9_999_999_999L, "data/part1.bin")]
    public void TryParse_VersionFile_ReturnsParts(string path, string name, long version, string file)
    {
        Assert.True(ModelBlobPath.TryParse(path, out var parsed, out var rule), rule);
        Assert.Equal(new ModelBlobPath(name, version, file), parsed);
        Assert.Equal(file == ModelBlobPath.GraphFileName, parsed.IsGraph);
        Assert.False(parsed.IsModelConfig);
        Assert.Equal($"{name}/{version}/", parsed.VersionFolder);
    }

    [Fact]
    public void TryParse_ModelConfig_IsModelConfig()
    {
        Assert.True(ModelBlobPath.TryParse("fraud/config.json", out var parsed, out _));
        Assert.True(parsed.IsModelConfig);
        Assert.Null(parsed.Version);
        Assert.False(parsed.IsGraph);
    }

    [Theory]
    [InlineData("Fraud/3/model.onnx", ModelBlobPath.NameRule)]
    [InlineData("-fraud/3/model.onnx", ModelBlobPath.NameRule)]
    [InlineData("../x", ModelBlobPath.NameRule)]
    [InlineData("fraud/v3/model.onnx", ModelBlobPath.VersionRule)]
    [InlineData("fraud/03/model.onnx", ModelBlobPath.VersionRule)]
    [InlineData("fraud/0/model.onnx", ModelBlobPath.VersionRule)]
    [InlineData("fraud/10000000000/model.onnx", ModelBlobPath.VersionRule)]
    [InlineData("fraud/model.onnx", ModelBlobPath.LayoutRule)]
    [InlineData("fraud", ModelBlobPath.LayoutRule)]
    [InlineData("fraud/3/", ModelBlobPath.FileRule)]
    [InlineData("fraud/3/../model.onnx", ModelBlobPath.FileRule)]
    public void TryParse_BadPath_NamesTheRule(string path, string expectedRule)
    {
        Assert.False(ModelBlobPath.TryParse(path, out var parsed, out var rule));
        Assert.Null(parsed);
        Assert.Equal(expectedRule, rule);
    }

    [Fact]
    public void TryParse_NameOf63Characters_IsAccepted_And64IsNot()
    {
        Assert.True(ModelBlobPath.TryParse(new string('a', 63) + "/1/model.onnx", out _, out _));
        Assert.False(ModelBlobPath.TryParse(new string('a', 64) + "/1/model.onnx", out _, out _));
    }

    [Fact]
    public void IsValidName_TrailingNewline_IsRejected()
        => Assert.False(ModelBlobPath.IsValidName("fraud\n"));
}
