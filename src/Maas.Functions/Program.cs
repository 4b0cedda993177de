using Maas.Functions.Auth;
using Maas.Functions.Hosting;
using Maas.Functions.Middleware;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// Outermost first: errors become responses, every prediction is recorded once, then the caller is authenticated.
builder.UseMiddleware<ErrorMappingMiddleware>();
builder.UseMiddleware<PredictionRecordingMiddleware>();
builder.UseMiddleware<AuthMiddleware>();
builder.AddMaasFunctions();
builder.Build().Run();
