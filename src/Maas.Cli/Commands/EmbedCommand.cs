using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Maas.Cli.Output;
using Spectre.Console;

namespace Maas.Cli.Commands;

/// <summary>
/// <c>maas embed &lt;name&gt;[/&lt;version&gt;] "text" ["text" …]</c>: embeddings through the OpenAI-compatible API; prints
/// each vector's width, norm and first values, and with several texts their cosine similarities.
/// </summary>
public static class EmbedCommand
{
    private const int ShownValues = 4;

    public static Command Create(GlobalOptions global, CliIo io)
    {
        var target = new Argument<string>("model") { Description = "<name> (its default version) or <name>/<version>." };
        var texts = new Argument<string[]>("text") { Description = "One or more texts to embed.", Arity = ArgumentArity.OneOrMore };
        var dimensions = new Option<int?>("--dimensions") { Description = "Shorten each vector to this many values (then scaled to unit length again)." };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON answer." };
        var command = new Command("embed", "Embed texts with an embeddings model.") { target, texts, dimensions, json };
        command.SetAction(MaasCli.Guarded(io, async (parsed, cancellationToken) =>
        {
            var model = ModelTarget.Parse(parsed.GetValue(target)!);
            var inputs = parsed.GetValue(texts)!;
            var request = new JsonObject
            {
                ["model"] = model.Version is { } v ? string.Create(CultureInfo.InvariantCulture, $"{model.Name}/versions/{v}") : model.Name,
                ["input"] = new JsonArray([.. inputs.Select(text => (JsonNode)JsonValue.Create(text))]),
            };
            if (parsed.GetValue(dimensions) is { } wanted)
            {
                request["dimensions"] = wanted;
            }

            using var api = global.Connect(parsed, io).ApiClient();
            var answer = await api.PostAsync("v1/embeddings", new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
            if (parsed.GetValue(json))
            {
                io.Output.WriteLine(answer.ToJsonString(Render.Indented));
                return ExitCodes.Success;
            }

            var vectors = answer["data"]!.AsArray().Select(item => item!["embedding"]!.AsArray().Select(value => (double)value!).ToArray()).ToList();
            var table = new Table().AddColumns("text", "width", "norm", "first values");
            for (var i = 0; i < vectors.Count; i++)
            {
                table.AddRow(
                    Markup.Escape(inputs[i]),
                    vectors[i].Length.ToString(CultureInfo.InvariantCulture),
                    Format.Number(Math.Sqrt(vectors[i].Sum(x => x * x))),
                    string.Join(' ', vectors[i].Take(ShownValues).Select(x => x.ToString("0.0000", CultureInfo.InvariantCulture))) + " …");
            }

            io.Console.Write(table);
            if (vectors.Count > 1)
            {
                var similarities = new Table().Title("cosine similarity").AddColumn(string.Empty);
                foreach (var text in inputs)
                {
                    similarities.AddColumn(Markup.Escape(text));
                }

                for (var i = 0; i < vectors.Count; i++)
                {
                    similarities.AddRow([Markup.Escape(inputs[i]), .. vectors.Select(other => Cosine(vectors[i], other).ToString("0.000", CultureInfo.InvariantCulture))]);
                }

                io.Console.Write(similarities);
            }

            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(long?)answer["usage"]?["prompt_tokens"]} tokens]"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static double Cosine(double[] a, double[] b)
        => a.Zip(b).Sum(pair => pair.First * pair.Second) / Math.Sqrt(a.Sum(x => x * x) * b.Sum(x => x * x));
}
