using Maas.Core.Inference;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace Maas.Core.Tests.Inference;

/// <summary>The one place sessions are configured: ONNX Runtime's own log stays off, failures reach our log once.</summary>
public sealed class SessionFactoryTests
{
    [Fact]
    public void CreateOptions_OnnxRuntimesOwnLog_IsFatalOnly()
    {
        using var options = new SessionFactory(Options.Create(new InferenceOptions())).CreateOptions();

        Assert.Equal(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, options.LogSeverityLevel);
    }

    [Fact]
    public void CreateRunOptions_OnnxRuntimesOwnLog_IsFatalOnly()
    {
        using var options = SessionFactory.CreateRunOptions();

        Assert.Equal(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, options.LogSeverityLevel);
    }

    [Fact]
    public void InferenceOptions_Spinning_IsOffByDefault()
        => Assert.False(new InferenceOptions().AllowSpinning);
}
