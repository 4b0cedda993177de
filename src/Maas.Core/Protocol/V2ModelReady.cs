namespace Maas.Core.Protocol;

/// <summary>The body of a 200 from <c>GET /v2/models/{name}[/versions/{v}]/ready</c>, as KServe answers it.</summary>
public sealed record V2ModelReady(string Name, string Version, bool Ready);
