using Maas.Core.Errors;

// At the root: a Maas.Core.Tests.Errors namespace would hide Maas.Core.Errors from the tests that name it as Errors.*.
namespace Maas.Core.Tests;

public sealed class ErrorStatusTests
{
    // Each kind's code is checked through HTTP by Maas.Functions.Tests' ErrorMappingMiddlewareTests; here, that the map is whole and one to one.
    [Fact]
    public void CodeOf_EveryKindHasOne_AndNoTwoShareIt()
        => Assert.Equal(Enum.GetValues<ErrorKind>().Length, Enum.GetValues<ErrorKind>().Select(ErrorStatus.CodeOf).Distinct().Count());
}
