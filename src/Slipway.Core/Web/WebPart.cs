namespace Slipway.Core.Web;

/// <summary>
/// Pages another feature serves on Slipway's one web server (the one <c>slipway logs serve --http</c> runs), behind its
/// login, without that feature knowing the server or the server knowing the feature: the CLI hands the parts to the
/// server. A part renders plain strings; the server does routing, authentication and HTTP.
/// </summary>
public interface IWebPart
{
    /// <summary>The path the part owns (<c>/status</c>): requests for it and below it (<c>/status/…</c>) come here.</summary>
    string Prefix { get; }

    /// <summary>The link in the server's menu.</summary>
    string Title { get; }

    /// <summary>The answer to a GET below <see cref="Prefix"/>; null when the path is not one of the part's (404).</summary>
    Task<WebAnswer?> GetAsync(WebAsk ask, CancellationToken ct);

    /// <summary>
    /// Lines of the Prometheus text exposition format (version 0.0.4) the server appends to its <c>/metrics</c>; each
    /// family with its <c># HELP</c> and <c># TYPE</c> lines, names the server's own families do not use.
    /// </summary>
    Task<string> MetricsAsync(CancellationToken ct);
}

/// <summary>
/// A GET: the path below the server root (<c>/status/check</c>), the query parameters (the first of each name) and the
/// server's menu, for the part to show in its own pages.
/// </summary>
public sealed record WebAsk(string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyList<WebLink> Menu)
{
    public string this[string name] => Query.TryGetValue(name, out var v) ? v : "";
}

/// <summary>A page to send: the status code, the content type and the body.</summary>
public sealed record WebAnswer(int Status, string ContentType, string Body)
{
    public static WebAnswer Html(string body) => new(200, "text/html; charset=utf-8", body);
}

/// <summary>A link of the server's menu.</summary>
public sealed record WebLink(string Href, string Title);
