using System.Diagnostics;
using Maas.Core.Generation;
using Maas.Core.Inference;
using Maas.TestKit.Generation;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Benchmarks;

/// <summary>
/// Text generation on the tiny GPT-2 fixture: one stream through our scheduler against the plain greedy loop run
/// directly on ONNX Runtime in the same process; eight concurrent streams with continuous batching on and off; time
/// to first token alone and under load; bytes allocated per generated token at two lengths.
/// </summary>
internal static class GenerationSuite
{
    public const double MinSingleStreamRatio = 0.9;
    public const double MinBatchingGain = 3;
    private const int Streams = 8;
    private const int Tokens = 120;

    public static async Task<(double SingleRatio, double BatchingGain, double ShortBytesPerToken, double LongBytesPerToken)> RunAsync(Report report, int rounds)
    {
        // A session made as serving makes it (the app's default threads and optimisation).
        using var session = new SessionFactory(Microsoft.Extensions.Options.Options.Create(new InferenceOptions())).Create(Path.Combine(TinyGpt2.Folder, "model.onnx"));
        var tokenizer = TextTokenizer.Load(TinyGpt2.Folder);
        var graph = DecoderGraph.From(SessionFactory.Signature(session.InputMetadata), SessionFactory.Signature(session.OutputMetadata), TinyGpt2.Folder);
        var prompt = TinyGpt2.PromptIds;

        // Warm up each path once; GenAI loads the folder once, as a server would.
        using var genAi = new Microsoft.ML.OnnxRuntimeGenAI.Model(TinyGpt2.Folder);
        GenAiGreedy(genAi, prompt, Tokens);
        await Task.Delay(TimeSpan.FromSeconds(1));
        DirectGreedy(session, graph, prompt, Tokens);
        using (var warm = new GenerationScheduler(session, graph, tokenizer, Streams, 64))
        {
            await GenerateAsync(warm, prompt, Tokens);
        }

        var genAiTps = 0.0;
        var genAiText = string.Empty;
        double directTps = 0, oursTps = 0, onTps = 0, offTps = 0, wholeOnTps = 0, wholeOffTps = 0, ttftAlone = 0, ttftLoaded = 0;
        for (var round = 0; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            DirectGreedy(session, graph, prompt, Tokens);
            directTps = Math.Max(directTps, Tokens / Stopwatch.GetElapsedTime(started).TotalSeconds);


            using var on = new GenerationScheduler(session, graph, tokenizer, Streams, 64);
            started = Stopwatch.GetTimestamp();
            var alone = await GenerateAsync(on, prompt, Tokens);
            oursTps = Math.Max(oursTps, Tokens / Stopwatch.GetElapsedTime(started).TotalSeconds);
            ttftAlone = round == 0 ? alone : Math.Min(ttftAlone, alone);

            var (onRate, onTtft) = await ConcurrentAsync(on, prompt);
            onTps = Math.Max(onTps, onRate);
            ttftLoaded = round == 0 ? onTtft : Math.Min(ttftLoaded, onTtft);
            using var off = new GenerationScheduler(session, graph, tokenizer, 1, 64);
            offTps = Math.Max(offTps, (await ConcurrentAsync(off, prompt)).TokensPerSecond);
            wholeOnTps = Math.Max(wholeOnTps, (await ConcurrentAsync(on, prompt, streamed: false)).TokensPerSecond);
            wholeOffTps = Math.Max(wholeOffTps, (await ConcurrentAsync(off, prompt, streamed: false)).TokensPerSecond);

            // Last in the round: GenAI's own session keeps its threads spinning a while after it runs.
            started = Stopwatch.GetTimestamp();
            var generated = GenAiGreedy(genAi, prompt, Tokens);
            genAiTps = Math.Max(genAiTps, Tokens / Stopwatch.GetElapsedTime(started).TotalSeconds);
            genAiText = tokenizer.Decode(generated);
            await Task.Delay(TimeSpan.FromSeconds(1)); // let those threads settle before the next round's measurements
        }

        using var measured = new GenerationScheduler(session, graph, tokenizer, Streams, 64);
        var shortBytes = await BytesPerTokenAsync(measured, prompt, 30);
        var longBytes = await BytesPerTokenAsync(measured, prompt, Tokens);

        report.Table(
            ["case", "tokens/s", "ratio"],
            [
                ["greedy loop run directly on ONNX Runtime (one stream)", Report.Number(directTps), "1.00×"],
                ["our scheduler, one stream", Report.Number(oursTps), Report.Ratio(oursTps / directTps)],
                [$"ONNX Runtime GenAI {GenAiVersion} greedy search, one stream (same folder, its own session)", Report.Number(genAiTps), Report.Ratio(genAiTps / directTps)],
                [$"{Streams} concurrent streams, one at a time (batching off)", Report.Number(offTps), "1.00×"],
                [$"{Streams} concurrent streams, continuous batching", Report.Number(onTps), Report.Ratio(onTps / offTps)],
                [$"{Streams} concurrent whole completions (not streamed), one at a time", Report.Number(wholeOffTps), "1.00×"],
                [$"{Streams} concurrent whole completions, continuous batching", Report.Number(wholeOnTps), Report.Ratio(wholeOnTps / wholeOffTps)],
            ]);
        report.Line(genAiText.StartsWith(TinyGpt2.Continuation[..40], StringComparison.Ordinal)
            ? "ONNX Runtime GenAI reproduces the corpus on the fixture too (its `decoder` model type with the names in genai_config.json)."
            : "ONNX Runtime GenAI did **not** reproduce the corpus on the fixture.");
        report.Line();
        report.Table(
            ["time to first token (ms, best of rounds)", "alone", $"under {Streams} streams (median of the {Streams})"],
            [["tiny GPT-2, 4-token prompt", Report.Ms(ttftAlone), Report.Ms(ttftLoaded)]]);
        report.Table(
            ["completion", "bytes allocated per generated token (whole process)"],
            [["30 tokens", Report.Number(shortBytes)], [$"{Tokens} tokens", Report.Number(longBytes)]]);
        return (oursTps / directTps, onTps / offTps, shortBytes, longBytes);
    }

    private const string GenAiVersion = "0.19.0";

    /// <summary>ONNX Runtime GenAI's greedy search on the fixture folder (its own session and cache management); returns the new tokens.</summary>
    private static int[] GenAiGreedy(Microsoft.ML.OnnxRuntimeGenAI.Model model, IReadOnlyList<int> prompt, int tokens)
    {
        using var parameters = new Microsoft.ML.OnnxRuntimeGenAI.GeneratorParams(model);
        parameters.SetSearchOption("max_length", prompt.Count + tokens);
        parameters.SetSearchOption("do_sample", false);
        using var generator = new Microsoft.ML.OnnxRuntimeGenAI.Generator(model, parameters);
        generator.AppendTokens([.. prompt]);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        return [.. generator.GetSequence(0)[prompt.Count..]];
    }

    /// <summary>The plain loop a user would write: outputs allocated by ONNX Runtime each step, present fed back as past.</summary>
    private static void DirectGreedy(InferenceSession session, DecoderGraph graph, IReadOnlyList<int> prompt, int tokens)
    {
        string[] inputNames = [graph.InputIds, graph.AttentionMask, graph.PositionIds!, .. graph.PastKeys.Zip(graph.PastValues).SelectMany(p => new[] { p.First, p.Second })];
        string[] outputNames = [graph.Logits, .. graph.PresentKeys.Zip(graph.PresentValues).SelectMany(p => new[] { p.First, p.Second })];
        var ids = prompt.Select(id => (long)id).ToArray();
        var past = Enumerable.Range(0, 2 * graph.Layers).Select(_ => OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, graph.Heads, 0, graph.HeadSize])).ToList();
        var length = 0;
        using var options = new RunOptions();
        for (var step = 0; step < tokens; step++)
        {
            var total = length + ids.Length;
            using var input = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]);
            using var mask = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, total).ToArray(), [1, total]);
            using var positions = OrtValue.CreateTensorValueFromMemory(Enumerable.Range(length, ids.Length).Select(p => (long)p).ToArray(), [1, ids.Length]);
            var outputs = session.Run(options, inputNames, [input, mask, positions, .. past], outputNames);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var next = TokenSampler.ArgMax(logits[^graph.VocabularySize..]);
            foreach (var value in past)
            {
                value.Dispose();
            }

            past = [.. outputs.Skip(1)];
            outputs[0].Dispose();
            length = total;
            ids = [next];
        }

        foreach (var value in past)
        {
            value.Dispose();
        }
    }

    /// <summary>Generates one sequence, streamed (an event per token, as /v1 with stream: true) or not; returns its time to first token in milliseconds.</summary>
    private static async Task<double> GenerateAsync(GenerationScheduler scheduler, IReadOnlyList<int> prompt, int tokens, bool streamed = true)
    {
        using var sequence = scheduler.Submit(prompt, new GenerationParameters(tokens, SamplingParameters.Greedy, [], streamed), 128, CancellationToken.None);
        if (streamed)
        {
            await foreach (var _ in sequence.Events.ReadAllAsync())
            {
            }
        }

        await sequence.Completion;
        return sequence.TimeToFirstToken!.Value.TotalMilliseconds;
    }

    private static async Task<(double TokensPerSecond, double MedianTtftMs)> ConcurrentAsync(GenerationScheduler scheduler, IReadOnlyList<int> prompt, bool streamed = true)
    {
        var started = Stopwatch.GetTimestamp();
        var ttfts = await Task.WhenAll(Enumerable.Range(0, Streams).Select(_ => Task.Run(() => GenerateAsync(scheduler, prompt, Tokens, streamed))));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Array.Sort(ttfts);
        return (Streams * Tokens / seconds, (ttfts[(Streams / 2) - 1] + ttfts[Streams / 2]) / 2);
    }

    private static async Task<double> BytesPerTokenAsync(GenerationScheduler scheduler, IReadOnlyList<int> prompt, int tokens)
    {
        await GenerateAsync(scheduler, prompt, tokens);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await GenerateAsync(scheduler, prompt, tokens);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)tokens;
    }
}
