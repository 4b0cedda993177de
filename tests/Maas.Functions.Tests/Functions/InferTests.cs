using Maas.Core.Errors;
using Maas.Core.Inference;
using Maas.Core.Protocol;
using Maas.Functions.Functions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Maas.Functions.Tests.Functions;

public sealed class InferTests
{
    private readonly Infer _function = new(new InferenceService(Options.Create(new LimitsOptions { MaxRequestBytes = 1024 })));

    [Fact]
    public async Task Run_BodyOverLimit_IsPayloadTooLargeNamingTheLimit()
    {
        var request = NewRequest(new byte[2048]);

        var error = await Assert.ThrowsAsync<MaasException>(() => _function.Run(request, "fraud"));

        Assert.Equal(ErrorKind.PayloadTooLarge, error.Kind);
        Assert.Contains("Limits:MaxRequestBytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Fraud", null)]
    [InlineData("fraud", "03")]
    public async Task Run_InvalidNameOrVersion_IsNotFound(string name, string? version)
    {
        var request = NewRequest("{}"u8.ToArray());

        var error = await Assert.ThrowsAsync<MaasException>(() => version is null ? _function.Run(request, name) : _function.InferVersion(request, name, version));

        Assert.Equal(ErrorKind.NotFound, error.Kind);
    }

    private static HttpRequest NewRequest(byte[] body)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = HttpMethods.Post;
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body);
        return http.Request;
    }
}
