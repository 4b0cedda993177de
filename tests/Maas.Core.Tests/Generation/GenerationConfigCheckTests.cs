using System.Text;
using Maas.Core.Generation;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.TestKit.Generation;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Tests.Generation;

/// <summary>Registration's check of a generative folder, on copies of the tiny GPT-2 folder with a file missing or changed.</summary>
public sealed class GenerationConfigCheckTests : IDisposable
{
    private static readonly ModelInspection Inspection = Inspect();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("maas-generation-check-");
    private readonly GenerationConfigCheck _check = new();

    private static ModelConfig TextGeneration => ModelConfig.Parse(Encoding.UTF8.GetBytes(TinyGpt2.Config));

    [Fact]
    public void ProblemWith_TheFixtureFolder_IsNone()
    {
        Copy("vocab.json", "merges.txt", "tokenizer_config.json");

        Assert.Null(_check.ProblemWith(TextGeneration, Inspection, _folder.FullName));
    }

    [Fact]
    public void ProblemWith_TokenizerJsonAndGenAiConfig_IsNone()
    {
        Copy("tokenizer.json", "tokenizer_config.json", "genai_config.json");

        Assert.Null(_check.ProblemWith(TextGeneration, Inspection, _folder.FullName));
    }

    [Fact]
    public void ProblemWith_NoTokenizerFiles_NamesTheFilesExpected()
    {
        var problem = _check.ProblemWith(TextGeneration, Inspection, _folder.FullName);

        Assert.Contains("No tokenizer beside model.onnx: expected tokenizer.json, vocab.json + merges.txt", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ProblemWith_ASmallerVocabulary_NamesBothSizes()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "vocab.json"), """{"a": 0, "b": 1, "ab": 2, "<|endoftext|>": 3}""");
        File.WriteAllText(Path.Combine(_folder.FullName, "merges.txt"), "#version: 0.2\na b\n");

        var problem = _check.ProblemWith(TextGeneration, Inspection, _folder.FullName);

        Assert.Equal("The tokenizer's vocabulary has 4 tokens but the graph's logits have 50257; the tokenizer files do not belong to this model (expected the same size, or logits padded by at most 1024).", problem);
    }

    [Fact]
    public void ProblemWith_LogitsPaddedALittlePastTheVocabulary_IsNone()
    {
        // GPT-2's vocabulary less its last 57 tokens, and the merges that make them: logits 57 wider, as models that
        // round their embeddings up have.
        const int Kept = 50_200;
        var vocabulary = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(Path.Combine(TinyGpt2.Folder, "vocab.json")))!;
        File.WriteAllText(Path.Combine(_folder.FullName, "vocab.json"), System.Text.Json.JsonSerializer.Serialize(vocabulary.Where(pair => pair.Value < Kept).ToDictionary()));
        bool IsKept(string token) => vocabulary.TryGetValue(token, out var id) && id < Kept;
        File.WriteAllLines(
            Path.Combine(_folder.FullName, "merges.txt"),
            File.ReadLines(Path.Combine(TinyGpt2.Folder, "merges.txt")).Where(line => !line.StartsWith('#') && line.Split(' ') is [var a, var b] && IsKept(a) && IsKept(b) && IsKept(a + b)));

        Assert.Null(_check.ProblemWith(TextGeneration, Inspection, _folder.FullName));
    }

    [Fact]
    public void ProblemWith_ACacheOutputMissing_NamesIt()
    {
        Copy("vocab.json", "merges.txt");
        var outputs = Inspection.Outputs.Where(o => o.Name != "present.1.value").ToList();

        var problem = _check.ProblemWith(TextGeneration, Inspection with { Outputs = outputs }, _folder.FullName);

        Assert.StartsWith("A text-generation graph needs output 'present.1.value' of float", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ProblemWith_AClassifierGraph_SaysItHasNoKeyValueCache()
    {
        Copy("vocab.json", "merges.txt");
        var inputs = Inspection.Inputs.Where(i => !i.Name.StartsWith("past_key_values", StringComparison.Ordinal)).ToList();

        var problem = _check.ProblemWith(TextGeneration, Inspection with { Inputs = inputs }, _folder.FullName);

        Assert.StartsWith("The graph has no key/value cache inputs: expected past_key_values.0.key", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void ProblemWith_NoGenerationBlock_IsNone()
    {
        Assert.Null(_check.ProblemWith(ModelConfig.Default, Inspection, _folder.FullName));
    }

    private void Copy(params string[] names)
    {
        foreach (var name in names)
        {
            File.Copy(Path.Combine(TinyGpt2.Folder, name), Path.Combine(_folder.FullName, name));
        }
    }

    private static ModelInspection Inspect()
    {
        using var session = new InferenceSession(Path.Combine(TinyGpt2.Folder, "model.onnx"));
        return new ModelInspection(SessionFactory.Signature(session.InputMetadata), SessionFactory.Signature(session.OutputMetadata), 14, "pytorch", new Dictionary<string, string>());
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
