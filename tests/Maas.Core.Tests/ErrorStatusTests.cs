using Maas.Core.Errors;

// At the root: a Maas.Core.Tests.Errors namespace would hide Maas.Core.Errors from the tests that name it as Errors.*.
namespace Maas.Core.Tests;

public sealed class ErrorStatusTests
{
    [Theory]
    [InlineData(ErrorKind.InvalidInput, 400)]
    [InlineData(ErrorKind.Unauthenticated, 401)]
    [InlineData(ErrorKind.Forbidden, 403)]
    [InlineData(ErrorKind.NotFound, 404)]
    [InlineData(ErrorKind.NotReady, 409)]
    [InlineData(ErrorKind.PayloadTooLarge, 413)]
    [InlineData(ErrorKind.UnsupportedMediaType, 415)]
    [InlineData(ErrorKind.Throttled, 429)]
    [InlineData(ErrorKind.Unavailable, 503)]
    public void CodeOf_EveryKind_IsItsOneStatusCode(ErrorKind kind, int status) => Assert.Equal(status, ErrorStatus.CodeOf(kind));

    [Fact]
    public void CodeOf_EveryKindHasOne_AndNoTwoShareIt()
        => Assert.Equal(Enum.GetValues<ErrorKind>().Length, Enum.GetValues<ErrorKind>().Select(ErrorStatus.CodeOf).Distinct().Count());
}
