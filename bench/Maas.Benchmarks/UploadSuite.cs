using System.Diagnostics;
using Azure.Storage.Blobs;
using Maas.Cli.Output;
using Maas.Cli.Push;
using Maas.TestKit.Azurite;

namespace Maas.Benchmarks;

/// <summary>
/// What <c>maas push</c> costs over a plain upload: the same 100 MB file uploaded by <see cref="VersionUpload"/> (SHA-256,
/// metadata, a progress handler taking every report) and by a bare <c>BlobClient.UploadAsync</c>, alternately, on Azurite.
/// </summary>
internal static class UploadSuite
{
    private const int FileBytes = 100 * 1024 * 1024;

    /// <summary>Returns the push's throughput over the plain upload's (medians of <paramref name="rounds"/> each).</summary>
    public static async Task<double> RunAsync(AzuriteFixture azurite, Report report, int rounds)
    {
        var folder = Directory.CreateTempSubdirectory("maas-upload-bench-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.onnx");
            var bytes = new byte[FileBytes];
            new Random(7).NextBytes(bytes);
            await File.WriteAllBytesAsync(path, bytes);
            var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(AzuriteFixture.UniqueName("upload"));
            await container.CreateIfNotExistsAsync();
            var files = new PushFiles(path, new Dictionary<string, string>(), EvaluationSet: null, Config: null);
            var progress = new CountingProgress();

            var push = new List<double>();
            var plain = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var started = Stopwatch.GetTimestamp();
                await new VersionUpload(container, progress).UploadAsync("bench", round, files, CancellationToken.None);
                push.Add(FileBytes / 1e6 / Stopwatch.GetElapsedTime(started).TotalSeconds);

                started = Stopwatch.GetTimestamp();
                await container.GetBlobClient($"plain/{round}/model.onnx").UploadAsync(path, CancellationToken.None);
                plain.Add(FileBytes / 1e6 / Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            var (pushMedian, plainMedian) = (Median(push), Median(plain));
            report.Table(
                ["upload of 100 MB", "median MB/s", "runs"],
                [
                    ["`maas push` (SHA-256, metadata, progress: " + Report.Number(progress.Reports / (double)rounds) + " reports per upload)", Report.Number(pushMedian), string.Join(", ", push.Select(v => Report.Number(v)))],
                    ["plain `BlobClient.UploadAsync`", Report.Number(plainMedian), string.Join(", ", plain.Select(v => Report.Number(v)))],
                ]);
            return pushMedian / plainMedian;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>Takes every progress report, as the progress bar does.</summary>
    private sealed class CountingProgress : IUploadProgress, IProgress<long>
    {
        private long _value;

        public long Reports { get; private set; }

        public IProgress<long> Start(string blobName, long bytes) => this;

        public void Report(long value)
        {
            Interlocked.Exchange(ref _value, value);
            Reports++;
        }

        public void Done(string blobName, long bytes)
        {
        }

        public void Skipped(string blobName, string why)
        {
        }
    }
}
