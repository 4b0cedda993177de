using Maas.Functions.Auth;
using Maas.Functions.Middleware;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Maas.Functions.Tests;

/// <summary>The app's worker middleware in Program.cs's order (error mapping, prediction recording, authentication) around a stand-in function.</summary>
internal static class WorkerPipeline
{
    public static Task InvokeAsync(FunctionContext context, IServiceProvider services, Action function)
    {
        IFunctionsWorkerMiddleware[] chain =
        [
            ActivatorUtilities.CreateInstance<ErrorMappingMiddleware>(services),
            ActivatorUtilities.CreateInstance<PredictionRecordingMiddleware>(services),
            ActivatorUtilities.CreateInstance<AuthMiddleware>(services),
        ];
        FunctionExecutionDelegate next = _ =>
        {
            function();
            return Task.CompletedTask;
        };
        foreach (var middleware in chain.Reverse())
        {
            var inner = next;
            next = ctx => middleware.Invoke(ctx, inner);
        }

        return next(context);
    }
}
