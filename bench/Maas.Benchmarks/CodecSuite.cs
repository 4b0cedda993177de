using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Maas.Core.Inference;
using Maas.Core.Protocol.Simple;
using Maas.Core.Protocol.V2;
using Maas.Core.Serving;
using Maas.TestKit.Registry;
using Maas.TestKit.Serving;

namespace Maas.Benchmarks;

/// <summary>What the codec targets are checked against.</summary>
internal sealed record CodecFigures(double DecodeFp32MBps, double DecodeNestedMBps, double DecodeInt64MBps, double EncodeMBps, double RandomEncodeSpeedup, double DetectorEncodeSpeedup);

/// <summary>
/// The JSON tensor codec on one thread: request bodies decoded (V2 flat FP32, the simple API's nested FP32, V2 INT64),
/// and FP32 responses encoded by the service against today's baseline, .NET's shortest round-trip formatter as the
/// service used it before (kept here as <see cref="DotNetFormatterResponse"/>), on the same outputs in the same run.
/// </summary>
internal static class CodecSuite
{
    private const int TokenIds = 27_648;

    public static async Task<CodecFigures> RunAsync(ServingHarness serving, Report report, BenchModel classifier, BenchModel detector, TimeSpan budget)
    {
        var limits = new LimitsOptions();
        var classifierRecord = await serving.AddVersionAsync(RegistryHarness.NewModelName(), classifier.Graph);
        var v2 = classifier.V2Json;
        var simple = classifier.Simple;
        var tokens = Models.Tokens(TokenIds);
        var tokenRecord = await serving.AddVersionAsync(RegistryHarness.NewModelName(), tokens.Graph);
        var tokenJson = tokens.V2Json;

        var decodeV2 = Measure.Latency("decode V2", () => V2RequestReader.Decode(v2, null, classifierRecord, limits).Dispose(), budget);
        var decodeSimple = Measure.Latency("decode simple", () => SimpleInferenceProtocol.Decode(simple, classifierRecord, limits).Dispose(), budget);
        var decodeTokens = Measure.Latency("decode INT64", () => V2RequestReader.Decode(tokenJson, null, tokenRecord, limits).Dispose(), budget);
        var rows = new List<string[]>
        {
            DecodeRow("V2 JSON, FP32 flat (PaddleOCR classifier request)", classifier.Inputs[0].Floats!.Length, v2.Length, await decodeV2),
            DecodeRow("simple API, FP32 nested [1,3,48,192] (same tensor)", classifier.Inputs[0].Floats!.Length, simple.Length, await decodeSimple),
            DecodeRow($"V2 JSON, INT64 flat (token ids below 50,000)", TokenIds, tokenJson.Length, await decodeTokens),
        };
        report.Line("Decoding, request body to input tensors:");
        report.Line();
        report.Table(["request", "elements", "JSON bytes", "median (ms)", "JSON MB/s"], rows);

        var random = Models.Identity(classifier.Inputs[0].Floats!.Length);
        var (randomOurs, randomBaseline, randomBytes) = await EncodeAsync(serving, random, budget);
        var (detectorOurs, detectorBaseline, detectorBytes) = await EncodeAsync(serving, detector, budget);
        report.Line("Encoding, output tensors to a V2 JSON response, shortest round-trip text either way:");
        report.Line();
        report.Table(
            ["output", "JSON bytes", ".NET formatter (ms)", "ShortestFloat (ms)", "JSON MB/s", "speed-up"],
            [
                EncodeRow("FP32[1,27648] uniform in (-0.5, 0.5) (identity of the classifier's input)", randomBytes, randomBaseline, randomOurs),
                EncodeRow("PaddleOCR detector's probability map FP32[1,1,320,320]", detectorBytes, detectorBaseline, detectorOurs),
            ]);

        return new CodecFigures(
            MBps(v2.Length, (await decodeV2).MedianMs),
            MBps(simple.Length, (await decodeSimple).MedianMs),
            MBps(tokenJson.Length, (await decodeTokens).MedianMs),
            MBps(randomBytes, randomOurs.MedianMs),
            randomBaseline.MedianMs / randomOurs.MedianMs,
            detectorBaseline.MedianMs / detectorOurs.MedianMs);
    }

    /// <summary>The model's outputs for its request, encoded by the service and by the baseline, interleaved.</summary>
    private static async Task<(Timing Ours, Timing Baseline, long Bytes)> EncodeAsync(ServingHarness serving, BenchModel model, TimeSpan budget)
    {
        var record = await serving.AddVersionAsync(RegistryHarness.NewModelName(), model.Graph);
        using var lease = await serving.Sessions.AcquireAsync(record, CancellationToken.None);
        using var request = ResourceSuite.RequestOf(model, record.Outputs.Select(o => o.Name));
        using var result = ModelRunner.Run(lease.Loaded, request, CancellationToken.None);
        long bytes = 0;
        var timings = await Measure.InterleavedAsync(
            [
                ("ours", () =>
                {
                    using var response = V2ResponseWriter.Write(record, request, result);
                    bytes = response.Body.Length;
                    return Task.CompletedTask;
                }),
                ("baseline", () =>
                {
                    DotNetFormatterResponse(record.Name, record.Version, result);
                    return Task.CompletedTask;
                }),
            ],
            budget * 2);
        return (timings[0], timings[1], bytes);
    }

    /// <summary>
    /// The V2 response as the service wrote it before ShortestFloat: the same document, each FP32 run formatted with
    /// <see cref="float.TryFormat(Span{byte}, out int, ReadOnlySpan{char}, IFormatProvider?)"/> into one buffer.
    /// </summary>
    private static long DotNetFormatterResponse(string name, long version, InferenceResult result)
    {
        var body = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteString("model_name", name);
            writer.WriteString("model_version", version.ToString(CultureInfo.InvariantCulture));
            writer.WriteStartArray("outputs");
            for (var i = 0; i < result.Outputs.Count; i++)
            {
                var info = result[i].GetTensorTypeAndShape();
                writer.WriteStartObject();
                writer.WriteString("name", result.Outputs[i].Name);
                writer.WriteString("datatype", "FP32");
                writer.WriteStartArray("shape");
                foreach (var dim in info.Shape)
                {
                    writer.WriteNumberValue(dim);
                }

                writer.WriteEndArray();
                writer.WritePropertyName("data");
                writer.WriteStartArray();
                var values = result[i].GetTensorDataAsSpan<float>();
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, values.Length * 16));
                var length = 0;
                foreach (var value in values)
                {
                    if (length > 0)
                    {
                        buffer[length++] = (byte)',';
                    }

                    value.TryFormat(buffer.AsSpan(length), out var written, default, CultureInfo.InvariantCulture);
                    length += written;
                }

                writer.WriteRawValue(buffer.AsSpan(0, length), skipInputValidation: true);
                ArrayPool<byte>.Shared.Return(buffer);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return body.WrittenCount;
    }

    private static string[] DecodeRow(string label, int elements, int bytes, Timing timing)
        => [label, Report.Number(elements), Report.Number(bytes), Report.Ms(timing.MedianMs), Report.Number(MBps(bytes, timing.MedianMs))];

    private static string[] EncodeRow(string label, long bytes, Timing baseline, Timing ours)
        => [label, Report.Number(bytes), Report.Ms(baseline.MedianMs), Report.Ms(ours.MedianMs), Report.Number(MBps(bytes, ours.MedianMs)), Report.Ratio(baseline.MedianMs / ours.MedianMs)];

    private static double MBps(double bytes, double ms) => bytes / 1e6 / (ms / 1000);
}
