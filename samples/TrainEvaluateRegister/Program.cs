using System.Globalization;
using Azure.Storage.Blobs;
using TrainEvaluateRegister;

// Train → evaluate → register → call, on two public data sets, against a running Maas.Functions app.
// See README.md beside this file for the arguments and what each step shows.
var settings = SampleArguments.Parse(args);
if (settings is null)
{
    Console.Error.WriteLine(SampleArguments.Usage);
    return 2;
}

if (!File.Exists(Path.Combine(settings.DataFolder, "breast_cancer.csv")) || !File.Exists(Path.Combine(settings.DataFolder, "digits.csv.gz")))
{
    Console.Error.WriteLine($"No breast_cancer.csv and digits.csv.gz in {settings.DataFolder}: run samples/TrainEvaluateRegister/fetch-data.sh first, or pass --data.");
    return 2;
}

using var api = ModelService.CreateApiClient(settings.Api);
var service = new ModelService(new BlobContainerClient(settings.Storage, settings.Container), api, settings.PollInterval, settings.WaitTimeout);
var outcomes = await Sample.RunAsync(settings, service, Console.Out, CancellationToken.None);
return outcomes.All(Sample.ShowsTheContract) ? 0 : 1;

namespace TrainEvaluateRegister
{
    /// <summary>The command line: where the data, the storage account and the API are.</summary>
    public sealed record SampleArguments(string DataFolder, string Storage, string Container, Uri Api, string Prefix, TimeSpan PollInterval, TimeSpan WaitTimeout, int Seed)
    {
        public const string Usage = """
            usage: dotnet run --project samples/TrainEvaluateRegister -- [--data .data/sklearn] [--storage UseDevelopmentStorage=true]
                   [--container models] [--api http://localhost:7071] [--prefix ""] [--poll-seconds 2] [--timeout-seconds 300] [--seed 1]
            """;

        /// <summary>The settings from <paramref name="args"/>, each defaulting to the local app of scripts/start-local.sh; null on a bad argument.</summary>
        public static SampleArguments? Parse(IReadOnlyList<string> args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["--data"] = Path.Combine(".data", "sklearn"),
                ["--storage"] = "UseDevelopmentStorage=true",
                ["--container"] = "models",
                ["--api"] = "http://localhost:7071",
                ["--prefix"] = string.Empty,
                ["--poll-seconds"] = "2",
                ["--timeout-seconds"] = "300",
                ["--seed"] = "1",
            };
            for (var i = 0; i < args.Count; i += 2)
            {
                if (!values.ContainsKey(args[i]) || i + 1 >= args.Count)
                {
                    return null;
                }

                values[args[i]] = args[i + 1];
            }

            return double.TryParse(values["--poll-seconds"], NumberStyles.Float, CultureInfo.InvariantCulture, out var poll) && poll > 0
                && double.TryParse(values["--timeout-seconds"], NumberStyles.Float, CultureInfo.InvariantCulture, out var timeout) && timeout > 0
                && int.TryParse(values["--seed"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
                && Uri.TryCreate(values["--api"], UriKind.Absolute, out var api)
                ? new SampleArguments(values["--data"], values["--storage"], values["--container"], api, values["--prefix"], TimeSpan.FromSeconds(poll), TimeSpan.FromSeconds(timeout), seed)
                : null;
        }
    }

    /// <summary>The sample's two runs: breast cancer (two classes) and digits (ten).</summary>
    public static class Sample
    {
        /// <summary>Version 2 of breast-cancer sees only five "error" and shape features: mean fractal dimension, texture, smoothness, symmetry and fractal dimension errors.</summary>
        public static readonly IReadOnlyList<int> WeakBreastCancerFeatures = [9, 11, 14, 18, 19];

        /// <summary>Version 2 of digits sees only the top row of pixels, mostly blank.</summary>
        public static readonly IReadOnlyList<int> WeakDigitFeatures = [0, 1, 2, 3, 4, 5, 6, 7];

        public static async Task<IReadOnlyList<DataSetOutcome>> RunAsync(SampleArguments settings, ModelService service, TextWriter output, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(settings);
            var pipeline = new SamplePipeline(service, output, settings.Seed);
            var ml = new Microsoft.ML.MLContext(settings.Seed);
            return
            [
                await pipeline.RunAsync(DataSets.BreastCancer(settings.DataFolder), new BinaryExperiment(ml), settings.Prefix + "breast-cancer", WeakBreastCancerFeatures, cancellationToken),
                await pipeline.RunAsync(DataSets.Digits(settings.DataFolder), new MulticlassExperiment(ml, classes: 10), settings.Prefix + "digits", WeakDigitFeatures, cancellationToken),
            ];
        }

        /// <summary>True when the run showed what it is for: the service measured what the sample measured, and the weaker version did not take over.</summary>
        public static bool ShowsTheContract(DataSetOutcome outcome)
        {
            ArgumentNullException.ThrowIfNull(outcome);
            return outcome.ServiceConfusionMatrix.Length == outcome.HeldOut.ConfusionMatrix.Length
                && outcome.ServiceConfusionMatrix.Zip(outcome.HeldOut.ConfusionMatrix).All(rows => rows.First.SequenceEqual(rows.Second))
                && outcome.WeakPromotionState == "rejected"
                && outcome.DefaultVersionAfterWeak == outcome.Version
                && outcome.VersionServingAfterWeak == outcome.Version;
        }
    }
}
