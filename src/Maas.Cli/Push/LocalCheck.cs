using Maas.Core.Evaluation;
using Maas.Core.Inference;
using Maas.Core.Models;
using Maas.Core.Registry;
using Microsoft.Extensions.Options;

namespace Maas.Cli.Push;

/// <summary>What the local check found: the graph's signature, the parsed config, and how many examples the evaluation set has.</summary>
public sealed record CheckedVersion(ModelInspection Signature, ModelConfig Config, int EvaluationLines);

/// <summary>
/// Checks a version before anything is uploaded, with the service's own rules (Maas.Core): the name, the graph loads in
/// ONNX Runtime with the serving options, config.json parses against the same schema and fits the graph, and every
/// line of evaluation.jsonl fits the graph's signature and the configured evaluation.
/// </summary>
public static class LocalCheck
{
    public static CheckedVersion Run(string name, PushFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (!ModelBlobPath.IsValidName(name))
        {
            throw new CliException($"--name '{name}' breaks the rule: {ModelBlobPath.NameRule}.", ExitCodes.Usage);
        }

        ModelInspection signature;
        try
        {
            signature = new SessionFactory(Options.Create(new InferenceOptions())).Inspect(files.Graph);
        }
        catch (ModelLoadException error)
        {
            throw new CliException($"{files.Graph} does not load in ONNX Runtime, so the service would mark it Failed; nothing was uploaded. ONNX Runtime says: {error.Message}");
        }

        ModelConfig config;
        try
        {
            config = files.Config is null ? ModelConfig.Default : ModelConfig.Parse(File.ReadAllBytes(files.Config));
        }
        catch (FormatException error)
        {
            throw new CliException($"{files.Config}: {error.Message} Nothing was uploaded.");
        }

        if (config.DynamicBatching is not null && BatchingRule.Violation(signature) is { } violation)
        {
            throw new CliException($"{files.Config}: {violation} Nothing was uploaded.");
        }

        return new CheckedVersion(signature, config, files.EvaluationSet is null ? 0 : CheckEvaluationSet(files.EvaluationSet, config, signature));
    }

    /// <summary>Parses every line against the signature and checks the configured output; the count of examples.</summary>
    private static int CheckEvaluationSet(string path, ModelConfig config, ModelInspection signature)
    {
        var lines = 0;
        var number = 0;
        IReadOnlyCollection<string>? expected = null;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                var example = EvaluationSet.ParseLine(text, number, signature);
                expected ??= [.. example.Expected.Keys];
            }
            catch (EvaluationSetException error)
            {
                throw new CliException($"{EvaluationSet.AtLine(number, error.Message)} Nothing was uploaded.");
            }

            lines++;
        }

        if (config.Evaluation is not null && expected is not null)
        {
            try
            {
                EvaluationScorer.For(config, signature, expected);
            }
            catch (EvaluationSetException error)
            {
                throw new CliException($"{error.Message} Nothing was uploaded.");
            }
        }

        return lines;
    }
}
