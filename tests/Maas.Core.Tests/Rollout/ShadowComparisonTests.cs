using Maas.Core.Models;
using Maas.Core.Rollout;

namespace Maas.Core.Tests.Rollout;

public sealed class ShadowComparisonTests
{
    private static readonly RolloutGates Gates = new() { AbsoluteTolerance = 1e-4, RelativeTolerance = 1e-3 };

    [Fact]
    public void Agrees_NumbersWithinAbsolutePlusRelativeTolerance_Agree()
    {
        // Allowed error at 10: 1e-4 + 1e-3 × 10 = 0.0101.
        Assert.True(ShadowComparison.Agrees(Gates, [10, 0], [10.0100, 0.0001]));
        Assert.False(ShadowComparison.Agrees(Gates, [10, 0], [10.0102, 0]));
        Assert.False(ShadowComparison.Agrees(Gates, [10, 0], [10]));
    }

    [Fact]
    public void Agrees_Labels_AgreeOnlyWhenEqual()
    {
        Assert.True(ShadowComparison.Agrees(["cat", "dog"], ["cat", "dog"]));
        Assert.False(ShadowComparison.Agrees(["cat", "dog"], ["cat", "Dog"]));
    }
}
