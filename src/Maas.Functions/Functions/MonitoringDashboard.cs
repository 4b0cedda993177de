using Maas.Functions.Auth;
using Maas.Functions.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Maas.Functions.Functions;

/// <summary>
/// The monitoring dashboard (<c>GET /dashboard</c>). The page needs no token; what it shows comes from the JSON APIs,
/// which need Models.Read, with the token of the user it signs in (as the docs page does) when Entra ID is on. Its
/// scripts are served with the docs page's files (<c>/docs/{file}</c>).
/// </summary>
public sealed class MonitoringDashboard(ApiSecurity security)
{
    [Function(nameof(Dashboard))]
    [AllowAnonymous]
    public IActionResult Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request)
        => PageAssets.Render(PageAssets.DashboardPage, security.PageConfigJson());
}
