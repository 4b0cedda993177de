using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Maas.Core.Telemetry;

namespace Maas.Infra.Tests;

/// <summary>The Azure Monitor workbook main.bicep deploys: where it reads from, and that it queries what the app emits.</summary>
[Collection(UsesCompiledInfra.Name)]
public sealed partial class WorkbookTests(CompiledInfra infra)
{
    private JsonObject Workbook => Assert.Single(infra.OfType("Microsoft.Insights/workbooks"));

    /// <summary>The workbook's KQL: serializedData is loadTextContent's variable in the module that declares the workbook.</summary>
    private IReadOnlyList<string> Queries
    {
        get
        {
            var (module, _, resource) = Assert.Single(infra.Resources, r => (string?)r.Resource["type"] == "Microsoft.Insights/workbooks");
            var data = (string)resource["properties"]!["serializedData"]!;
            var variable = VariableReference().Match(data);
            if (variable.Success)
            {
                data = (string)infra.Modules[module]["properties"]!["template"]!["variables"]![variable.Groups[1].Value]!;
            }

            return [.. JsonNode.Parse(data)!["items"]!.AsArray().Select(item => (string?)item!["content"]?["query"]).OfType<string>()];
        }
    }

    [GeneratedRegex(@"^\[variables\('([^']+)'\)\]$")]
    private static partial Regex VariableReference();

    [Fact]
    public void Workbook_IsASharedWorkbookOverTheApplicationInsightsComponent()
    {
        var properties = Workbook["properties"]!;

        Assert.Equal("shared", (string?)Workbook["kind"]);
        Assert.Equal("workbook", (string?)properties["category"]);
        Assert.Contains("Microsoft.Insights/components", (string?)properties["sourceId"], StringComparison.Ordinal);
        Assert.StartsWith("[guid(", (string?)Workbook["name"], StringComparison.Ordinal);
        Assert.True(Queries.Count >= 5);
    }

    [Fact]
    public void Workbook_QueriesOnlyInstrumentsTheAppEmits_AndTheHeadlineOnes()
    {
        var emitted = EmittedInstruments();
        var queried = Queries.SelectMany(query => InstrumentName().Matches(query).Select(match => match.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(queried.Except(emitted));
        Assert.Contains("maas.predictions", queried);
        Assert.Contains("maas.prediction.duration", queried);
        Assert.Contains("maas.sessions.cold_load_duration", queried);
        Assert.Contains("maas.drift.psi", queried);
        Assert.Contains("maas.drift.jsd", queried);
        Assert.Contains("maas.rollout.decisions", queried);
        Assert.Contains(Queries, query => query.Contains("percentile(duration, 95)", StringComparison.Ordinal));
    }

    /// <summary>Every instrument of the meter <c>Maas</c>, as a MeterListener sees them once Core's types are initialised.</summary>
    private static HashSet<string> EmittedInstruments()
    {
        foreach (var type in typeof(MaasTelemetry).Assembly.GetTypes().Where(t => !t.ContainsGenericParameters))
        {
            RuntimeHelpers.RunClassConstructor(type.TypeHandle);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == MaasTelemetry.Name)
                {
                    names.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        return names;
    }

    [GeneratedRegex(@"maas\.[a-z_.]+[a-z]")]
    private static partial Regex InstrumentName();
}
