namespace Maas.TestKit.Generation;

/// <summary>
/// The shared tiny GPT-2 fixture (<c>../shared/fixtures/tiny-gpt2/</c> beside the repository): a 2-layer causal LM with
/// GPT-2's vocabulary that memorised <c>corpus.txt</c>. Greedy decoding of <see cref="Prompt"/> gives
/// <see cref="Continuation"/> exactly, only when the key/value cache, positions and mask are right.
/// </summary>
public static class TinyGpt2
{
    public const string Prompt = "The quick brown fox";

    /// <summary>The prompt's token ids (GPT-2's BPE).</summary>
    public static IReadOnlyList<int> PromptIds { get; } = [464, 2068, 7586, 21831];

    /// <summary>Tokens greedy decoding gives after the prompt: the rest of the corpus.</summary>
    public const int ContinuationTokens = 60;

    public static string Folder { get; } = FindFolder();

    /// <summary>The rest of corpus.txt after <see cref="Prompt"/>.</summary>
    public static string Continuation { get; } = File.ReadAllText(Path.Combine(Folder, "corpus.txt")).TrimEnd('\n')[Prompt.Length..];

    /// <summary>config.json for the fixture as a text generator with the plain chat format.</summary>
    public const string Config = """{"generation": {"task": "text-generation", "maxContextTokens": 128, "chatFormat": "plain"}}""";

    public static byte[] Graph() => File.ReadAllBytes(Path.Combine(Folder, "model.onnx"));

    /// <summary>The tokenizer files an operator uploads beside model.onnx: GPT-2's vocab.json and merges.txt and tokenizer_config.json.</summary>
    public static IReadOnlyDictionary<string, byte[]> TokenizerFiles() => Files("vocab.json", "merges.txt", "tokenizer_config.json");

    /// <summary>The files of the folder by name (a model folder as an operator uploads it; the training scripts left out).</summary>
    public static IReadOnlyDictionary<string, byte[]> Files(params string[] names)
        => names.ToDictionary(name => name, name => File.ReadAllBytes(Path.Combine(Folder, name)));

    private static string FindFolder()
    {
        for (var folder = new DirectoryInfo(RepoPaths.Root); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "shared", "fixtures", "tiny-gpt2");
            if (File.Exists(Path.Combine(candidate, "model.onnx")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"shared/fixtures/tiny-gpt2 was not found beside or above {RepoPaths.Root}.");
    }
}
