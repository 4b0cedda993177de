using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Maas.Cli.Input;

/// <summary>
/// A CSV as batch request lines for a model's simple API: the header names either the model's inputs (each column
/// one input, one value per row) or, for a model with one input of that width, its features in order (each row one
/// <c>[[...]]</c> row). A <c>custom_id</c> column names the lines; otherwise they are <c>row-1</c>, <c>row-2</c>, ….
/// </summary>
public static class CsvBatch
{
    private const string CustomIdColumn = "custom_id";

    /// <summary>Writes the JSONL of <paramref name="csvPath"/> for <paramref name="url"/>; the number of lines written.</summary>
    /// <param name="inputs">The model's inputs as its V2 metadata lists them (name, datatype, shape).</param>
    public static async Task<int> WriteAsync(string csvPath, string jsonlPath, string url, JsonArray inputs, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(csvPath, Encoding.UTF8);
        var header = await reader.ReadLineAsync(cancellationToken) is { } first ? Split(first) : throw new CliException($"{csvPath} is empty; expected a header row.", ExitCodes.Usage);
        var idColumn = header.IndexOf(CustomIdColumn);
        var columns = header.Where((_, i) => i != idColumn).ToList();
        var layout = LayoutOf(columns, inputs);
        await using var writer = new StreamWriter(jsonlPath, append: false, new UTF8Encoding(false));
        var count = 0;
        var lineNumber = 1;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = Split(line);
            if (cells.Count != header.Count)
            {
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(csvPath)} line {lineNumber} has {cells.Count} cells; the header has {header.Count}."), ExitCodes.Usage);
            }

            count++;
            var values = cells.Where((_, i) => i != idColumn).ToList();
            var request = new JsonObject
            {
                ["custom_id"] = idColumn >= 0 ? cells[idColumn] : string.Create(CultureInfo.InvariantCulture, $"row-{count}"),
                ["method"] = "POST",
                ["url"] = url,
                ["body"] = layout(values, lineNumber),
            };
            await writer.WriteLineAsync(request.ToJsonString().AsMemory(), cancellationToken);
        }

        return count;
    }

    private static Func<List<string>, int, JsonObject> LayoutOf(List<string> columns, JsonArray inputs)
    {
        var declared = inputs.Select(i => (Name: (string)i!["name"]!, Datatype: (string)i["datatype"]!, Rank: i["shape"]!.AsArray().Count, Width: (long)i["shape"]!.AsArray()[^1]!)).ToList();
        if (columns.All(c => declared.Any(d => d.Name == c)) && declared.All(d => columns.Contains(d.Name)))
        {
            // Each column is one input: a one-row tensor of one value.
            return (values, line) => new JsonObject
            {
                ["inputs"] = new JsonObject(columns.Select((column, i) =>
                {
                    var input = declared.First(d => d.Name == column);
                    var value = Value(values[i], input.Datatype, column, line);
                    return KeyValuePair.Create(column, (JsonNode?)(input.Rank == 1 ? new JsonArray(value) : new JsonArray(new JsonArray(value))));
                })),
            };
        }

        if (declared is [var single] && single.Rank == 2 && (single.Width == columns.Count || single.Width < 0))
        {
            // The columns are the features of the one input: each row one [[...]] row.
            return (values, line) => new JsonObject { ["input"] = new JsonArray(new JsonArray([.. values.Select((v, i) => Value(v, single.Datatype, columns[i], line))])) };
        }

        throw new CliException(
            $"The CSV's columns ({string.Join(", ", columns)}) are neither the model's inputs ({string.Join(", ", declared.Select(d => d.Name))}) nor the features of one input of width {columns.Count}.",
            ExitCodes.Usage);
    }

    private static JsonValue Value(string cell, string datatype, string column, int line)
    {
        if (datatype == "BYTES")
        {
            return JsonValue.Create(cell);
        }

        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : throw new CliException(string.Create(CultureInfo.InvariantCulture, $"Line {line}, column {column}: '{cell}' is not a number, and the model's input is {datatype}."), ExitCodes.Usage);
    }

    /// <summary>The cells of one CSV line (RFC 4180: quoted cells may hold commas and doubled quotes).</summary>
    public static List<string> Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString().TrimEnd('\r'));
        return cells;
    }
}
