using Maas.Functions.Auth;
using Maas.Functions.Hosting;
using Maas.Functions.Middleware;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ErrorMappingMiddleware>();
builder.UseMiddleware<AuthenticationMiddleware>();
builder.AddMaasFunctions();
builder.Build().Run();
