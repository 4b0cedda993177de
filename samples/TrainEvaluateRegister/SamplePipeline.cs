using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML;

namespace TrainEvaluateRegister;

/// <summary>What the sample did with one data set: enough for a reader to follow and for a test to check.</summary>
public sealed record DataSetOutcome(
    string Model,
    string Trainer,
    string Parameter,
    double ParameterValue,
    HeldOutMetrics HeldOut,
    int[][] ServiceConfusionMatrix,
    double ServiceAccuracy,
    long Version,
    string PredictedClass,
    long WeakVersion,
    string WeakPromotionState,
    string WeakPromotionReason,
    long DefaultVersionAfterWeak,
    long VersionServingAfterWeak);

/// <summary>
/// Train → evaluate → register → call, for one data set: load and clean, split (stratified 80/20), choose a trainer by
/// 5-fold cross-validation, search its hyper-parameter, evaluate on the held-out split, export to ONNX, upload with the
/// held-out rows as evaluation.jsonl, wait until the service has evaluated it, compare, call it; then upload a weaker
/// version 2 on fewer features and show that the service keeps serving version 1.
/// </summary>
public sealed class SamplePipeline(ModelService service, TextWriter output, int seed)
{
    private const double TestFraction = 0.2;

    public async Task<DataSetOutcome> RunAsync(DataSet data, Experiment experiment, string model, IReadOnlyList<int> weakFeatures, CancellationToken cancellationToken)
    {
        var ml = new MLContext(seed);
        output.WriteLine($"== {data.Name}: {data.Examples.Count} rows, {data.Examples[0].Features.Length} features, {data.ClassNames.Count} classes ({data.Dropped} rows with missing values dropped)");
        var (train, test) = DataSets.StratifiedSplit(data.Examples, TestFraction, seed);
        output.WriteLine($"   stratified split: {train.Count} training rows, {test.Count} held out");

        var trainView = experiment.ToDataView(train, train[0].Features.Length);
        output.WriteLine($"   5-fold cross-validation on the training rows ({experiment.SelectionMetric}):");
        var scored = experiment.Candidates.Select(candidate =>
        {
            var score = experiment.CrossValidate(trainView, candidate.Create(candidate.Values[0]), seed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"     {candidate.Trainer,-28} {score:F4}"));
            return (Candidate: candidate, Score: score);
        }).ToList();
        var winner = scored.MaxBy(entry => entry.Score).Candidate;

        output.WriteLine($"   {winner.Trainer} wins; searching {winner.Parameter}:");
        var best = winner.Values.Select(value =>
        {
            var score = experiment.CrossValidate(trainView, winner.Create(value), seed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"     {winner.Parameter} = {value,-8} {score:F4}"));
            return (Value: value, Score: score);
        }).MaxBy(entry => entry.Score).Value;

        var (graph, heldOut) = TrainAndExport(ml, experiment, winner.Create(best), train, test, data.ClassNames.Count, features: null);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   held out: accuracy {heldOut.Accuracy:F4}, precision {heldOut.Precision:F4}, recall {heldOut.Recall:F4}, F1 {heldOut.F1:F4} (macro)"));

        var version = await service.NextVersionAsync(model, cancellationToken);
        var config = ConfigJson(data, experiment);
        await service.UploadAsync(model, version, config, EvaluationSet(experiment, test, features: null), graph, cancellationToken);
        output.WriteLine($"   uploaded {model}/{version} ({graph.Length} bytes of ONNX); waiting for registration and evaluation...");
        var view = await service.WaitUntilEvaluatedAsync(model, version, cancellationToken);
        var report = await service.EvaluationReportAsync(model, version, cancellationToken);
        var serviceMatrix = Matrix(report["details"]!["confusionMatrix"]!);
        var serviceAccuracy = (double)report["metrics"]!["accuracy"]!;
        var same = serviceMatrix.Length == heldOut.ConfusionMatrix.Length && serviceMatrix.Zip(heldOut.ConfusionMatrix).All(rows => rows.First.SequenceEqual(rows.Second));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   the service measured accuracy {serviceAccuracy:F4}; promotion: {view["promotion"]?["state"]} ({view["promotion"]?["reason"]}); confusion matrix {(same ? "identical to" : "DIFFERENT from")} the sample's"));

        var answer = await service.PredictAsync(model, test[0].Features, cancellationToken);
        var predicted = ClassOf(answer, experiment.EvaluatedOutput);
        output.WriteLine($"   {model} says: {predicted} (the held-out row is {data.ClassNames[test[0].Label]})");

        var (weakGraph, weakHeldOut) = TrainAndExport(ml, experiment, winner.Create(best), train, test, data.ClassNames.Count, weakFeatures);
        var weakVersion = version + 1;
        await service.UploadAsync(model, weakVersion, config, EvaluationSet(experiment, test, weakFeatures), weakGraph, cancellationToken);
        var weak = await service.WaitUntilEvaluatedAsync(model, weakVersion, cancellationToken);
        var state = (string)weak["promotion"]!["state"]!;
        var reason = (string)weak["promotion"]!["reason"]!;
        var after = await service.ModelAsync(model, cancellationToken);
        var serving = await service.PredictAsync(model, test[0].Features, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   version {weakVersion} on {weakFeatures.Count} features (held-out accuracy {weakHeldOut.Accuracy:F4}): {state}: {reason}"));
        output.WriteLine($"   default version: {after["defaultVersion"]}; the simple API answered from version {serving["version"]}");

        return new DataSetOutcome(
            model, winner.Trainer, winner.Parameter, best, heldOut, serviceMatrix, serviceAccuracy, version, predicted,
            weakVersion, state, reason, (long)after["defaultVersion"]!, (long)serving["version"]!);
    }

    /// <summary>
    /// Fits the pipeline on the training rows (on <paramref name="features"/> only, when given), evaluates it on the
    /// held-out rows, and exports it to ONNX from a features-only schema (the served model takes no label).
    /// </summary>
    private static (byte[] Graph, HeldOutMetrics HeldOut) TrainAndExport(
        MLContext ml, Experiment experiment, IEstimator<ITransformer> trainer, IReadOnlyList<Example> train, IReadOnlyList<Example> test, int classes, IReadOnlyList<int>? features)
    {
        var trainRows = Select(train, features);
        var testRows = Select(test, features);
        var width = trainRows[0].Features.Length;
        var model = experiment.Pipeline(trainer).Fit(experiment.ToDataView(trainRows, width));
        var heldOut = experiment.Evaluate(model, testRows, classes);

        var schema = Microsoft.ML.Data.SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, width);
        var featuresOnly = ml.Data.LoadFromEnumerable(trainRows.Select(row => new FeatureRow { Features = row.Features }), schema);
        using var onnx = new MemoryStream();
        ml.Model.ConvertToOnnx(model, featuresOnly, onnx);
        return (onnx.ToArray(), heldOut);
    }

    private static List<Example> Select(IReadOnlyList<Example> rows, IReadOnlyList<int>? features)
        => features is null ? [.. rows] : [.. rows.Select(row => row with { Features = [.. features.Select(i => row.Features[i])] })];

    /// <summary>One held-out row per line, in the simple API's request shape, with the label the model should answer.</summary>
    private static string EvaluationSet(Experiment experiment, IReadOnlyList<Example> test, IReadOnlyList<int>? features)
    {
        var text = new StringBuilder();
        foreach (var row in Select(test, features))
        {
            var values = string.Join(',', row.Features.Select(f => f.ToString("R", CultureInfo.InvariantCulture)));
            text.Append(CultureInfo.InvariantCulture, $$$"""{"inputs": {"Features": [[{{{values}}}]]}, "expected": {"{{{experiment.EvaluatedOutput}}}": [{{{experiment.ExpectedLabel(row.Label)}}}]}}""").Append('\n');
        }

        return text.ToString();
    }

    private static string ConfigJson(DataSet data, Experiment experiment)
    {
        var config = new JsonObject
        {
            ["description"] = $"{data.Name}, trained by samples/TrainEvaluateRegister",
            ["labels"] = new JsonObject { [experiment.EvaluatedOutput] = new JsonArray([.. data.ClassNames.Select(name => JsonValue.Create(name))]) },
            ["evaluation"] = JsonNode.Parse(experiment.EvaluationJson),
        };
        return config.ToJsonString();
    }

    private static int[][] Matrix(JsonNode matrix) => [.. matrix.AsArray().Select(row => row!.AsArray().Select(count => (int)count!).ToArray())];

    /// <summary>The class a simple API answer names: the predicted label (a boolean) or the highest score, read through the labels it returns.</summary>
    private static string ClassOf(JsonNode answer, string output)
    {
        var labels = answer["labels"]![output]!.AsArray().Select(label => (string)label!).ToList();
        var values = answer["outputs"]![output]![0]!.AsArray();
        var index = values.Count == 1 && values[0]!.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
            ? ((bool)values[0]! ? 1 : 0)
            : values.Select((score, i) => (Score: (double)score!, Index: i)).MaxBy(entry => entry.Score).Index;
        return labels[index];
    }
}
