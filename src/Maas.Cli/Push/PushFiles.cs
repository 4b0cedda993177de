namespace Maas.Cli.Push;

/// <summary>What one push uploads: the graph, its external-data files, the evaluation set and the model's config.json.</summary>
/// <param name="ExternalData">Blob name relative to the version folder → local path.</param>
public sealed record PushFiles(string Graph, IReadOnlyDictionary<string, string> ExternalData, string? EvaluationSet, string? Config)
{
    public const string GraphFileName = "model.onnx";
    public const string EvaluationFileName = "evaluation.jsonl";
    public const string ConfigFileName = "config.json";

    /// <summary>
    /// The files of <paramref name="path"/>: a folder holding model.onnx (every other file but config.json and
    /// evaluation.jsonl is external data), or one .onnx file. <paramref name="config"/> and <paramref name="evaluation"/>
    /// override the folder's config.json and evaluation.jsonl.
    /// </summary>
    public static PushFiles From(string path, string? config, string? evaluation)
    {
        string graph;
        var external = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(path))
        {
            graph = Path.Combine(path, GraphFileName);
            if (!File.Exists(graph))
            {
                throw new CliException($"{path} has no {GraphFileName}; push a folder holding {GraphFileName} (and its external-data files), or the .onnx file itself.", ExitCodes.Usage);
            }

            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(path, file).Replace(Path.DirectorySeparatorChar, '/');
                if (relative is not (GraphFileName or ConfigFileName or EvaluationFileName))
                {
                    external[relative] = file;
                }
            }

            config ??= File.Exists(Path.Combine(path, ConfigFileName)) ? Path.Combine(path, ConfigFileName) : null;
            evaluation ??= File.Exists(Path.Combine(path, EvaluationFileName)) ? Path.Combine(path, EvaluationFileName) : null;
        }
        else if (File.Exists(path))
        {
            graph = path;
        }
        else
        {
            throw new CliException($"{path} does not exist; expected a folder holding {GraphFileName}, or an .onnx file.", ExitCodes.Usage);
        }

        foreach (var (what, file) in new[] { ("--config", config), ("--eval", evaluation) })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new CliException($"{what} {file} does not exist.", ExitCodes.Usage);
            }
        }

        return new PushFiles(graph, external, evaluation, config);
    }
}
