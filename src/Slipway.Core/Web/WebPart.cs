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
    /// The answer to a form POST below <see cref="Prefix"/> (a button on one of the part's pages; <paramref name="form"/>
    /// holds the first value of each field); null when the path is not one of the part's (404). Only full access reaches
    /// it: the server answers a read-only viewer 403 and sends the anonymous to the login. The session cookie is
    /// SameSite=Strict, so another site's form cannot post with it. Answer with <see cref="WebAnswer.SeeOther"/> so a
    /// reload does not post again. A part without forms keeps this default.
    /// </summary>
    Task<WebAnswer?> PostAsync(WebAsk ask, IReadOnlyDictionary<string, string> form, CancellationToken ct) => Task.FromResult<WebAnswer?>(null);

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
    /// <summary>Where a redirect sends the browser (a path below the server root); null for a page.</summary>
    public string? Location { get; init; }

    public static WebAnswer Html(string body) => new(200, "text/html; charset=utf-8", body);

    /// <summary>After a POST: a redirect, so the browser loads <paramref name="location"/> with a GET.</summary>
    public static WebAnswer SeeOther(string location) => new(302, "text/plain; charset=utf-8", "") { Location = location };
}

/// <summary>A link of the server's menu.</summary>
public sealed record WebLink(string Href, string Title);
