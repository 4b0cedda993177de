using System.Collections.Immutable;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Tests;

/// <summary>
/// The <see cref="FunctionContext"/> the host would build for one invocation, for calling worker middleware
/// directly. For HTTP functions it carries the real <see cref="HttpContext"/> where ASP.NET Core integration puts it.
/// </summary>
internal sealed class TestFunctionContext : FunctionContext
{
    /// <summary>The key under which ASP.NET Core integration stores the invocation's HttpContext.</summary>
    private const string HttpContextKey = "HttpRequestContext";

    /// <param name="bindingData">The trigger's binding data, e.g. route values such as <c>name</c>.</param>
    public TestFunctionContext(string functionName, HttpContext? httpContext = null, IServiceProvider? services = null, IReadOnlyDictionary<string, object?>? bindingData = null)
    {
        BindingContext = new TestBindingContext(bindingData ?? new Dictionary<string, object?>());
        FunctionDefinition = new TestFunctionDefinition(functionName);
        InstanceServices = services ?? httpContext?.RequestServices ?? EmptyServiceProvider.Instance;
        if (httpContext is not null)
        {
            Items[HttpContextKey] = httpContext;
        }
    }

    public override string InvocationId { get; } = Guid.NewGuid().ToString();

    public override string FunctionId => FunctionDefinition.Id;

    public override TraceContext TraceContext => throw new NotSupportedException();

    public override BindingContext BindingContext { get; }

    public override RetryContext RetryContext => throw new NotSupportedException();

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition { get; }

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features => throw new NotSupportedException();

    private sealed class TestFunctionDefinition(string name) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters => [];

        public override string PathToAssembly => typeof(Program).Assembly.Location;

        public override string EntryPoint => name;

        public override string Id => name;

        public override string Name => name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings => ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class TestBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData => data;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
