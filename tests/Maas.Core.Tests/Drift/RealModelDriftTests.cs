using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Maas.Core.Drift;
using Maas.TestKit.Azurite;
using Maas.TestKit.Onnx;
using Maas.TestKit.Serving;
using Xunit.Abstractions;

namespace Maas.Core.Tests.Drift;

/// <summary>
/// Drift on real published models, end to end (baseline from evaluation.jsonl at registration, sampled V2 calls,
/// the rollup, the API) with the default thresholds: PaddleOCR's text-direction classifier fed brightened images, and
/// Silero VAD fed noise, are flagged; the same models fed more of what their baseline held are not.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class RealModelDriftTests(AzuriteFixture azurite, ITestOutputHelper output) : IDisposable
{
    private const int OcrHeight = 48;
    private const int OcrWidth = 192;
    private const int Strokes = 8;
    private const int StrokeWidth = 10;
    private const int StrokeTop = 12;
    private const int StrokeHeight = 24;
    private const int VadChunk = 512;
    private const int VadRate = 16_000;

    // Sampled calls are stamped at one instant, so that a run crossing the hour cannot split them between two hours
    // (each hour then holds fewer values than Drift:MinimumValues, and nothing is flagged).
    private readonly ServingHarness _serving = new(azurite, driftClock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow));

    /// <summary>
    /// A grey-scale "text line" as PaddleOCR feeds its classifier: a light background with dark strokes at random places and pixel noise,
    /// made brighter by <paramref name="brighten"/> grey levels, scaled to [-1, 1] and repeated over the 3 channels.
    /// </summary>
    private static float[] TextLine(Random random, int brighten)
    {
        var grey = new int[OcrHeight * OcrWidth];
        Array.Fill(grey, 220);
        for (var stroke = 0; stroke < Strokes; stroke++)
        {
            // Strokes in their own column slots, so every line has the same share of ink wherever its strokes fall.
            var x0 = (stroke * OcrWidth / Strokes) + random.Next((OcrWidth / Strokes) - StrokeWidth);
            for (var y = StrokeTop; y < StrokeTop + StrokeHeight; y++)
            {
                Array.Fill(grey, 40, (y * OcrWidth) + x0, StrokeWidth);
            }
        }

        var pixels = new float[3 * grey.Length];
        for (var i = 0; i < grey.Length; i++)
        {
            var level = Math.Clamp(grey[i] + random.Next(-15, 16) + brighten, 0, 255);
            pixels[i] = pixels[grey.Length + i] = pixels[(2 * grey.Length) + i] = (float)((level / 255.0) - 0.5) / 0.5f;
        }

        return pixels;
    }

    /// <summary>512 samples of two tones at 16 kHz, or of loud white noise.</summary>
    private static float[] Sound(Random random, bool noise)
    {
        var (f1, f2, a1, a2, p1, p2) = (100 + random.Next(900), 100 + random.Next(900), 0.1 + (0.2 * random.NextDouble()), 0.05 + (0.1 * random.NextDouble()), random.NextDouble() * 2 * Math.PI, random.NextDouble() * 2 * Math.PI);
        return [.. Enumerable.Range(0, VadChunk).Select(t => noise
            ? (float)((random.NextDouble() * 1.6) - 0.8)
            : (float)((a1 * Math.Sin((2 * Math.PI * f1 * t / VadRate) + p1)) + (a2 * Math.Sin((2 * Math.PI * f2 * t / VadRate) + p2))))];
    }

    private static string Nested(ReadOnlySpan<float> values, params int[] shape)
    {
        if (shape.Length == 0)
        {
            return values[0].ToString("R", CultureInfo.InvariantCulture);
        }

        var inner = values.Length / shape[0];
        var parts = new string[shape[0]];
        for (var i = 0; i < shape[0]; i++)
        {
            parts[i] = Nested(values.Slice(i * inner, inner), shape[1..]);
        }

        return "[" + string.Join(',', parts) + "]";
    }

    private async Task<DriftReport> RegisterCallAndRollUpAsync(byte[] graph, Func<string, string> evaluationLine, int lines, Func<int, (byte[] Header, byte[] Binary)> call, int calls)
    {
        var name = await _serving.AddModelAsync(graph, """{"drift": {"sampleRate": 1}}""");
        var outputName = (await _serving.Registry.RowAsync(name, 1))!.Outputs[0].Name;
        var evaluationSet = string.Join('\n', Enumerable.Range(0, lines).Select(_ => evaluationLine(outputName)));
        await _serving.Registry.UploadAndRegisterAsync($"{name}/1/evaluation.jsonl", Encoding.UTF8.GetBytes(evaluationSet));
        Assert.Null((await _serving.Registry.RowAsync(name, 1))!.DriftBaseline!.Problem);
        for (var i = 0; i < calls; i++)
        {
            var (header, binary) = call(i);
            using var response = await _serving.InferV2Async(name, header, binary);
        }

        await _serving.RollUpAsync(DateTimeOffset.UtcNow);
        var report = await _serving.DriftQuery.GetAsync(name, null, null, null, CancellationToken.None);
        foreach (var tensor in report.Tensors)
        {
            output.WriteLine($"{tensor.Side} {tensor.Name}: PSI {string.Join(", ", tensor.Hours[0].Features.Select(f => f.Psi?.ToString("0.0000", CultureInfo.InvariantCulture)))}; JSD {string.Join(", ", tensor.Hours[0].Features.Select(f => f.Jsd?.ToString("0.0000", CultureInfo.InvariantCulture)))}; flagged {tensor.Hours[0].Flagged}");
        }

        return report;
    }

    private Task<DriftReport> OcrAsync(int brighten)
    {
        var baseline = new Random(1);
        var live = new Random(2);
        const int Batch = 4;
        return RegisterCallAndRollUpAsync(
            RealModels.OcrClassifier(),
            outputName => $$$"""{"input": {{{Nested(TextLine(baseline, 0), 1, 3, OcrHeight, OcrWidth)}}}, "expected": {"{{{outputName}}}": [[0, 0]]}}""",
            lines: 60,
            _ =>
            {
                var images = Enumerable.Range(0, Batch).SelectMany(_ => TextLine(live, brighten)).ToArray();
                var header = $$$"""{"inputs": [{"name": "x", "datatype": "FP32", "shape": [{{{Batch}}}, 3, {{{OcrHeight}}}, {{{OcrWidth}}}], "parameters": {"binary_data_size": {{{images.Length * 4}}} }}]}""";
                return (Encoding.UTF8.GetBytes(header), MemoryMarshal.AsBytes(images.AsSpan()).ToArray());
            },
            calls: 15);
    }

    private Task<DriftReport> VadAsync(bool noise)
    {
        var baseline = new Random(3);
        var live = new Random(4);
        var state = Nested(new float[2 * 128], 2, 1, 128);
        return RegisterCallAndRollUpAsync(
            RealModels.SileroVad(),
            outputName => $$$"""{"inputs": {"input": {{{Nested(Sound(baseline, noise: false), 1, VadChunk)}}}, "state": {{{state}}}, "sr": {{{VadRate}}} }, "expected": {"{{{outputName}}}": [[0]]}}""",
            lines: 1000,
            _ =>
            {
                float[] chunk = [.. Sound(live, noise), .. new float[2 * 128]];
                var header = $$$"""{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, {{{VadChunk}}}], "parameters": {"binary_data_size": {{{VadChunk * 4}}} }}, {"name": "state", "datatype": "FP32", "shape": [2, 1, 128], "parameters": {"binary_data_size": {{{2 * 128 * 4}}} }}, {"name": "sr", "datatype": "INT64", "shape": [], "data": [{{{VadRate}}}]}]}""";
                return (Encoding.UTF8.GetBytes(header), MemoryMarshal.AsBytes(chunk.AsSpan()).ToArray());
            },
            calls: 1000);
    }

    [Fact]
    public async Task OcrClassifier_MoreTextLinesLikeTheBaseline_NotFlagged()
    {
        var report = await OcrAsync(brighten: 0);

        var input = report.Tensors.Single(t => t.Side == DriftSide.Input && t.Name == "x");
        Assert.Equal(("channel", 3), (input.Granularity, input.Features));
        Assert.All(input.Hours[0].Features, channel => Assert.False(channel.Flagged));
    }

    [Fact]
    public async Task OcrClassifier_BrightenedTextLines_EveryChannelFlagged()
    {
        var report = await OcrAsync(brighten: 60);

        var input = report.Tensors.Single(t => t.Side == DriftSide.Input && t.Name == "x");
        Assert.All(input.Hours[0].Features, channel => Assert.True(channel.Flagged && channel.Psi > 0.2 && channel.MeanShift > 0));
    }

    [Fact]
    public async Task SileroVad_MoreTonesLikeTheBaseline_NotFlagged()
    {
        var report = await VadAsync(noise: false);

        var input = report.Tensors.Single(t => t.Side == DriftSide.Input && t.Name == "input");
        Assert.Equal(("tensor", 1), (input.Granularity, input.Features));
        Assert.DoesNotContain(report.Tensors, t => t.Hours[0].Flagged);
    }

    [Fact]
    public async Task SileroVad_Noise_InputAndSpeechProbabilityFlagged()
    {
        var report = await VadAsync(noise: true);

        Assert.True(report.Tensors.Single(t => t.Side == DriftSide.Input && t.Name == "input").Hours[0].Flagged);
        Assert.True(report.Tensors.Single(t => t.Side == DriftSide.Output && t.Name == "output").Hours[0].Flagged);
    }

    public void Dispose() => _serving.Dispose();
}
