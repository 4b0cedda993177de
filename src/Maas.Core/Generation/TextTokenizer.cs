using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Maas.Core.Generation;

/// <summary>
/// A model folder's tokenizer, loaded with <c>Microsoft.ML.Tokenizers</c> from the files beside <c>model.onnx</c>:
/// <c>tokenizer.json</c> (byte-level BPE or WordPiece), <c>vocab.json</c> + <c>merges.txt</c> (GPT-2's byte-level BPE),
/// <c>tokenizer.model</c> (SentencePiece) or <c>vocab.txt</c> (WordPiece, BERT's rules). Special tokens come from
/// <c>tokenizer_config.json</c> and <c>genai_config.json</c> when present.
/// </summary>
public sealed class TextTokenizer
{
    public const string TokenizerJson = "tokenizer.json";
    public const string VocabJson = "vocab.json";
    public const string MergesTxt = "merges.txt";
    public const string SentencePieceModel = "tokenizer.model";
    public const string VocabTxt = "vocab.txt";
    public const string TokenizerConfigJson = "tokenizer_config.json";
    public const string GenAiConfigJson = "genai_config.json";

    private TextTokenizer(Tokenizer inner, int vocabularySize, IReadOnlySet<int> endTokens, int? beginToken, bool isBert)
    {
        Inner = inner;
        VocabularySize = vocabularySize;
        EndTokens = endTokens;
        BeginToken = beginToken;
        IsBert = isBert;
    }

    public Tokenizer Inner { get; }

    /// <summary>One more than the highest token id the vocabulary holds.</summary>
    public int VocabularySize { get; }

    /// <summary>Token ids that end a generation (the end-of-sequence token, and genai_config.json's list).</summary>
    public IReadOnlySet<int> EndTokens { get; }

    /// <summary>The token a prompt starts with when tokenizer_config.json says <c>add_bos_token</c>; null otherwise.</summary>
    public int? BeginToken { get; }

    /// <summary>Whether encoding adds BERT's [CLS] … [SEP] (encoders).</summary>
    public bool IsBert { get; }

    /// <summary>The token ids of <paramref name="text"/>, with the begin token or BERT's special tokens where the model expects them.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        // BERT encoders take [CLS] … [SEP] around the text.
        var ids = Inner is BertTokenizer bert ? bert.EncodeToIds(text, addSpecialTokens: true) : Inner.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true);
        if (BeginToken is { } begin && (ids.Count == 0 || ids[0] != begin))
        {
            return [begin, .. ids];
        }

        return ids;
    }

    /// <summary>The text of <paramref name="ids"/>; bytes that do not yet form a character come out as U+FFFD.</summary>
    public string Decode(IEnumerable<int> ids) => Inner.Decode(ids) ?? string.Empty;

    /// <summary>Loads the tokenizer of the folder at <paramref name="folderPath"/>; throws <see cref="FormatException"/> naming the file and what is wrong.</summary>
    public static TextTokenizer Load(string folderPath)
    {
        var special = SpecialTokens.Read(folderPath);
        try
        {
            var (tokenizer, vocabulary, isBert) = LoadInner(folderPath, special);
            var ends = new HashSet<int>(special.EndIds);
            if (special.EndToken is { } end && tokenizer.EncodeToIds(end) is [var endId])
            {
                ends.Add(endId);
            }

            int? begin = special.AddBegin && special.BeginToken is { } token && tokenizer.EncodeToIds(token) is [var beginId] ? beginId : special.AddBegin ? special.BeginId : null;
            return new TextTokenizer(tokenizer, vocabulary, ends, begin, isBert);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or ArgumentException or IOException or KeyNotFoundException)
        {
            throw new FormatException($"The tokenizer files could not be loaded: {error.Message}", error);
        }
    }

    private static (Tokenizer Tokenizer, int Vocabulary, bool IsBert) LoadInner(string folder, SpecialTokens special)
    {
        var tokenizerJson = Path.Combine(folder, TokenizerJson);
        if (File.Exists(tokenizerJson))
        {
            return FromTokenizerJson(tokenizerJson, special.AddedTokens);
        }

        if (File.Exists(Path.Combine(folder, VocabJson)) && File.Exists(Path.Combine(folder, MergesTxt)))
        {
            var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(Path.Combine(folder, VocabJson)))
                ?? throw new FormatException($"{VocabJson} must be an object of tokens and their ids.");
            var merges = File.ReadLines(Path.Combine(folder, MergesTxt)).Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal)).ToList();
            return ByteLevelBpe(vocabulary, merges, special.AddedTokens);
        }

        if (File.Exists(Path.Combine(folder, SentencePieceModel)))
        {
            using var model = File.OpenRead(Path.Combine(folder, SentencePieceModel));
            var piece = LlamaTokenizer.Create(model, addBeginOfSentence: false, addEndOfSentence: false);
            return (piece, piece.Vocabulary.Values.Max() + 1, false);
        }

        if (File.Exists(Path.Combine(folder, VocabTxt)))
        {
            var lines = File.ReadAllLines(Path.Combine(folder, VocabTxt));
            using var vocab = File.OpenRead(Path.Combine(folder, VocabTxt));
            return (BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = special.LowerCase ?? true }), lines.Length, true);
        }

        throw new FormatException($"No tokenizer beside model.onnx: expected {TokenizerJson}, {VocabJson} + {MergesTxt}, {SentencePieceModel} or {VocabTxt}.");
    }

    /// <summary>GPT-2's pre-tokenization: contractions, letters, numbers, other symbols, each with an optional leading space; then spaces.</summary>
    private static readonly Regex ByteLevelWords = new(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.Compiled);

    /// <summary>
    /// A byte-level BPE tokenizer (GPT-2's scheme, used by GPT-2, Llama 3, Qwen, Phi and most decoders) whose added
    /// tokens (<c>&lt;|im_start|&gt;</c>, <c>&lt;|eot_id|&gt;</c>, …) encode to their own ids wherever they appear, as
    /// the model was trained; the vocabulary counts them.
    /// </summary>
    private static (Tokenizer Tokenizer, int Vocabulary, bool IsBert) ByteLevelBpe(Dictionary<string, int> vocabulary, List<string> merges, IReadOnlyDictionary<string, int> added)
    {
        // Control tokens in the vocabulary itself (GPT-2's <|endoftext|>) are special too: never split into characters.
        var special = vocabulary.Where(pair => pair.Key.Length > 4 && pair.Key.StartsWith("<|", StringComparison.Ordinal) && pair.Key.EndsWith("|>", StringComparison.Ordinal))
            .Concat(added)
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Last().Value, StringComparer.Ordinal);
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            SpecialTokens = special.Count == 0 ? null : special,
            PreTokenizer = new RegexPreTokenizer(ByteLevelWords, special.Count == 0 ? null : special),
        };
        var size = Math.Max(vocabulary.Values.Max(), added.Count == 0 ? 0 : added.Values.Max()) + 1;
        return (BpeTokenizer.Create(options), size, false);
    }

    /// <summary>A Hugging Face tokenizer.json: its BPE model becomes a byte-level BPE tokenizer, its WordPiece model a BERT tokenizer.</summary>
    private static (Tokenizer Tokenizer, int Vocabulary, bool IsBert) FromTokenizerJson(string path, IReadOnlyDictionary<string, int> addedTokens)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var model = document.RootElement.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object
            ? m
            : throw new FormatException($"{TokenizerJson} has no 'model' object.");
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        var vocab = model.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().ToDictionary(entry => entry.Name, entry => entry.Value.GetInt32(), StringComparer.Ordinal)
            : throw new FormatException($"{TokenizerJson} model has no 'vocab' object (a {type ?? "missing"} model is not supported; expected BPE or WordPiece).");
        var size = vocab.Values.Max() + 1;
        if (type == "BPE")
        {
            var merges = model.GetProperty("merges").EnumerateArray()
                .Select(merge => merge.ValueKind == JsonValueKind.Array ? $"{merge[0].GetString()} {merge[1].GetString()}" : merge.GetString()!)
                .ToList();
            var added = new Dictionary<string, int>(addedTokens, StringComparer.Ordinal);
            if (document.RootElement.TryGetProperty("added_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in tokens.EnumerateArray())
                {
                    added[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
                }
            }

            return ByteLevelBpe(vocab, merges, added);
        }

        if (type == "WordPiece")
        {
            var lines = new string[size];
            foreach (var (token, id) in vocab)
            {
                lines[id] = token;
            }

            var lowerCase = document.RootElement.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind == JsonValueKind.Object
                && normalizer.TryGetProperty("lowercase", out var lower) && lower.ValueKind == JsonValueKind.True;
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(line => line ?? "[unused]")) + "\n"));
            return (BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lowerCase }), size, true);
        }

        throw new FormatException($"{TokenizerJson} has a {type ?? "missing"} model; expected BPE or WordPiece.");
    }

    /// <summary>What tokenizer_config.json and genai_config.json say about special tokens.</summary>
    private sealed record SpecialTokens(string? EndToken, string? BeginToken, bool AddBegin, bool? LowerCase, IReadOnlyList<int> EndIds, int? BeginId, IReadOnlyDictionary<string, int> AddedTokens)
    {
        public static SpecialTokens Read(string folder)
        {
            string? end = null, begin = null;
            var addBegin = false;
            bool? lowerCase = null;
            var added = new Dictionary<string, int>(StringComparer.Ordinal);
            var configPath = Path.Combine(folder, TokenizerConfigJson);
            try
            {
                if (File.Exists(configPath))
                {
                    using var config = JsonDocument.Parse(File.ReadAllBytes(configPath));
                    var root = config.RootElement;
                    end = TokenText(root, "eos_token");
                    begin = TokenText(root, "bos_token");
                    addBegin = root.TryGetProperty("add_bos_token", out var add) && add.ValueKind == JsonValueKind.True;
                    lowerCase = root.TryGetProperty("do_lower_case", out var lower) && lower.ValueKind is JsonValueKind.True or JsonValueKind.False ? lower.GetBoolean() : null;
                    if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var token in decoder.EnumerateObject())
                        {
                            added[token.Value.GetProperty("content").GetString()!] = int.Parse(token.Name, CultureInfo.InvariantCulture);
                        }
                    }
                }

                var endIds = new List<int>();
                int? beginId = null;
                var genAiPath = Path.Combine(folder, GenAiConfigJson);
                if (File.Exists(genAiPath))
                {
                    using var genAi = JsonDocument.Parse(File.ReadAllBytes(genAiPath));
                    if (genAi.RootElement.TryGetProperty("model", out var model))
                    {
                        if (model.TryGetProperty("eos_token_id", out var eos))
                        {
                            endIds.AddRange(eos.ValueKind == JsonValueKind.Array ? eos.EnumerateArray().Select(id => id.GetInt32()) : [eos.GetInt32()]);
                        }

                        beginId = model.TryGetProperty("bos_token_id", out var bos) && bos.ValueKind == JsonValueKind.Number ? bos.GetInt32() : null;
                    }
                }

                return new SpecialTokens(end, begin, addBegin, lowerCase, endIds, beginId, added);
            }
            catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{TokenizerConfigJson} or {GenAiConfigJson} is not what was expected: {error.Message}"), error);
            }
        }

        private static string? TokenText(JsonElement root, string name)
            => root.TryGetProperty(name, out var token) ? token.ValueKind switch
            {
                JsonValueKind.String => token.GetString(),
                JsonValueKind.Object when token.TryGetProperty("content", out var content) => content.GetString(),
                _ => null,
            } : null;
    }
}
