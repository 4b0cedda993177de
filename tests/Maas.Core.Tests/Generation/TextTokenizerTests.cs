using Maas.Core.Generation;
using Maas.TestKit.Generation;

namespace Maas.Core.Tests.Generation;

/// <summary>Tokenizers loaded from model folders (copies of the tiny GPT-2's files, some with added tokens).</summary>
public sealed class TextTokenizerTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("maas-tokenizer-");

    [Theory]
    [InlineData("vocab.json", "merges.txt")]
    [InlineData("tokenizer.json")]
    public void Load_EitherForm_EncodesAsGpt2AndKeepsTheEndTokenWhole(params string[] files)
    {
        Copy(files);

        var tokenizer = TextTokenizer.Load(_folder.FullName);

        Assert.Equal(TinyGpt2.PromptIds, tokenizer.Encode(TinyGpt2.Prompt));
        Assert.Equal([64, 50256, 65], tokenizer.Encode("a<|endoftext|>b"));
        Assert.Equal("a<|endoftext|>b é漢字!", tokenizer.Decode(tokenizer.Encode("a<|endoftext|>b é漢字!")));
    }

    [Fact]
    public void Load_AddedTokensInTokenizerConfig_EncodeToTheirOwnIdsAndCountInTheVocabulary()
    {
        Copy("vocab.json", "merges.txt");
        File.WriteAllText(
            Path.Combine(_folder.FullName, "tokenizer_config.json"),
            """{"added_tokens_decoder": {"50257": {"content": "<|im_start|>", "special": true}, "50258": {"content": "<|im_end|>", "special": true}}, "eos_token": "<|im_end|>"}""");

        var tokenizer = TextTokenizer.Load(_folder.FullName);

        Assert.Equal([50257, 464, 50258], tokenizer.Encode("<|im_start|>The<|im_end|>"));
        Assert.Equal(50_259, tokenizer.VocabularySize);
        Assert.Contains(50258, tokenizer.EndTokens);
    }

    [Fact]
    public void Load_VocabTxt_IsBertWithClsAndSep()
    {
        File.WriteAllLines(Path.Combine(_folder.FullName, "vocab.txt"), ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world"]);

        var tokenizer = TextTokenizer.Load(_folder.FullName);

        Assert.True(tokenizer.IsBert);
        Assert.Equal([2, 5, 6, 3], tokenizer.Encode("Hello world"));
    }

    private void Copy(params string[] names)
    {
        foreach (var name in names)
        {
            File.Copy(Path.Combine(TinyGpt2.Folder, name), Path.Combine(_folder.FullName, name));
        }
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
