using System.Text;

namespace Maas.TestKit.Serving;

/// <summary>evaluation.jsonl files for the test kit's models.</summary>
public static class EvaluationSets
{
    /// <summary>
    /// For <see cref="Onnx.TestModels.Identity"/> (<c>x</c> → <c>y</c>): ten rows (1, 10), (2, 20), … (10, 100), two per
    /// line, so each decile bin of a drift baseline holds one row of each feature.
    /// </summary>
    public static byte[] TenRows() => Encoding.UTF8.GetBytes(string.Join('\n', Enumerable.Range(0, 5).Select(i =>
        $$$"""{"input": [[{{{(2 * i) + 1}}}, {{{((2 * i) + 1) * 10}}}], [{{{(2 * i) + 2}}}, {{{((2 * i) + 2) * 10}}}]], "expected": {"y": [[0, 0], [0, 0]]}}""")));
}
