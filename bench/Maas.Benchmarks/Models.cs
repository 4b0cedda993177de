using Maas.TestKit;
using Maas.TestKit.Onnx;

namespace Maas.Benchmarks;

/// <summary>The benchmark models: the test kit's linear model and real models from npm packages (fetched by bench/run.sh into .models/).</summary>
internal static class Models
{
    public static string Folder => RepoPaths.Combine(".models");

    public static string SileroVad => Path.Combine(Folder, "vad-web", "package", "dist", "silero_vad_v5.onnx");

    public static string OcrClassifier => Path.Combine(Folder, "ocr-models", "package", "assets", "ch_ppocr_mobile_v2.0_cls_infer.onnx");

    public static string OcrDetector => Path.Combine(Folder, "ocr-models", "package", "assets", "ch_PP-OCRv4_det_infer.onnx");

    public static string OcrRecognizer => Path.Combine(Folder, "ocr-models", "package", "assets", "ch_PP-OCRv4_rec_infer.onnx");

    public static BenchModel Linear(int rows = 1) => new("linear (test kit)", TestModels.Linear(), null, [new("x", "FP32", [rows, 4], Random(rows * 4, 1))]);

    public static BenchModel Vad() => new("Silero VAD v5", File.ReadAllBytes(SileroVad), SileroVad,
    [
        new("input", "FP32", [1, 512], Random(512, 2)),
        new("state", "FP32", [2, 1, 128], new float[256]),
        new("sr", "INT64", [], Longs: [16000]),
    ]);

    public static BenchModel Classifier(int batch = 1) => new("PaddleOCR classifier", File.ReadAllBytes(OcrClassifier), OcrClassifier, [new("x", "FP32", [batch, 3, 48, 192], Random(batch * 3 * 48 * 192, 3))]);

    public static BenchModel Detector() => new("PaddleOCR detector", File.ReadAllBytes(OcrDetector), OcrDetector, [new("x", "FP32", [1, 3, 320, 320], Random(3 * 320 * 320, 4))]);

    public static BenchModel Recognizer() => new("PaddleOCR recognizer", File.ReadAllBytes(OcrRecognizer), OcrRecognizer, [new("x", "FP32", [1, 3, 48, 320], Random(3 * 48 * 320, 5))]);

    /// <summary>x FP32[1, n] → y (Identity): the same path with tensors of any size.</summary>
    public static BenchModel Identity(int elements) => new($"identity FP32[1,{elements}]", TestModels.Identity(Onnx.TensorProto.Types.DataType.Float), null, [new("x", "FP32", [1, elements], Random(elements, 6))]);

    /// <summary>x INT64[1, n] → y (Identity) with token ids below 50,000, as a language model's input would carry.</summary>
    public static BenchModel Tokens(int count)
    {
        var random = new Random(7);
        return new($"identity INT64[1,{count}]", TestModels.Identity(Onnx.TensorProto.Types.DataType.Int64), null, [new("x", "INT64", [1, count], Longs: [.. Enumerable.Range(0, count).Select(_ => (long)random.Next(50_000))])]);
    }

    private static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5))];
    }
}
