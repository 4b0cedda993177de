using System.Globalization;
using System.IO.Compression;

namespace TrainEvaluateRegister;

/// <summary>One cleaned example: its features and its class (0-based).</summary>
public sealed record Example(float[] Features, int Label);

/// <summary>A data set as loaded: the clean examples, how many rows were dropped, and the class names.</summary>
public sealed record DataSet(string Name, IReadOnlyList<Example> Examples, int Dropped, IReadOnlyList<string> ClassNames, IReadOnlyList<string> FeatureNames);

/// <summary>
/// The UCI data sets scikit-learn ships (Debian's python3-sklearn, under <c>sklearn/datasets/data/</c>), read and cleaned:
/// a row with a missing or non-numeric value is dropped.
/// </summary>
public static class DataSets
{
    /// <summary>Names of the 30 Wisconsin diagnostic features, in the file's order.</summary>
    public static readonly IReadOnlyList<string> BreastCancerFeatures =
    [
        .. new[] { "mean", "error", "worst" }.SelectMany(kind => new[] { "radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity", "concave points", "symmetry", "fractal dimension" }
            .Select(feature => $"{kind} {feature}")),
    ];

    /// <summary>
    /// <c>breast_cancer.csv</c>: a header line (<c>569,30,malignant,benign</c>), then 30 features and the target (0 malignant,
    /// 1 benign). Class 1 here is malignant, the finding a screen looks for.
    /// </summary>
    public static DataSet BreastCancer(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "breast_cancer.csv")).Skip(1);
        return Parse("breast-cancer", lines, features: 30, label => label == 0 ? 1 : 0, ["benign", "malignant"], BreastCancerFeatures);
    }

    /// <summary><c>digits.csv.gz</c>: 8×8 images of hand-written digits, 64 grey levels (0-16) then the digit, no header.</summary>
    public static DataSet Digits(string folder)
    {
        using var file = File.OpenRead(Path.Combine(folder, "digits.csv.gz"));
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress));
        var lines = reader.ReadToEnd().Split('\n');
        return Parse("digits", lines, features: 64, label => label, [.. Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture))], [.. Enumerable.Range(0, 64).Select(p => $"pixel {p / 8},{p % 8}")]);
    }

    private static DataSet Parse(string name, IEnumerable<string> lines, int features, Func<int, int> classOf, IReadOnlyList<string> classes, IReadOnlyList<string> featureNames)
    {
        var examples = new List<Example>();
        var dropped = 0;
        foreach (var line in lines.Where(line => !string.IsNullOrWhiteSpace(line)))
        {
            var fields = line.Split(',');
            var values = new float[features];
            var clean = fields.Length == features + 1
                && int.TryParse(fields[features], NumberStyles.Integer, CultureInfo.InvariantCulture, out var target)
                && classOf(target) is >= 0 and var label && label < classes.Count
                && Enumerable.Range(0, features).All(i => float.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && float.IsFinite(values[i]));
            if (clean)
            {
                examples.Add(new Example(values, classOf(int.Parse(fields[features], CultureInfo.InvariantCulture))));
            }
            else
            {
                dropped++;
            }
        }

        return new DataSet(name, examples, dropped, classes, featureNames);
    }

    /// <summary>
    /// A stratified split: within each class, a seeded shuffle, then the first <paramref name="testFraction"/> of it (rounded)
    /// held out, so both parts keep the classes' proportions; each part is shuffled again.
    /// </summary>
    public static (IReadOnlyList<Example> Train, IReadOnlyList<Example> Test) StratifiedSplit(IReadOnlyList<Example> examples, double testFraction, int seed)
    {
        var random = new Random(seed);
        var train = new List<Example>();
        var test = new List<Example>();
        foreach (var group in examples.GroupBy(example => example.Label).OrderBy(group => group.Key))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToList();
            var held = (int)Math.Round(shuffled.Count * testFraction);
            test.AddRange(shuffled.Take(held));
            train.AddRange(shuffled.Skip(held));
        }

        // Mixed again, so no trainer or fold sees the classes one after another.
        return ([.. train.OrderBy(_ => random.Next())], [.. test.OrderBy(_ => random.Next())]);
    }
}
