using System.Net;

namespace Slipway.Core.Web;

/// <summary>
/// The frame every <see cref="IWebPart"/> page shares (document head, the server's menu, the base style), so the status
/// and queue pages look like one product; each part adds only the style of its own elements.
/// </summary>
public static class PartPage
{
    private const string BaseStyle = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
        header{background:#1d3557;color:#fff;padding:8px 16px}header a{color:#fff;margin-right:16px}
        main{padding:12px 16px}table{border-collapse:collapse;width:100%;margin-top:10px}
        td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
        """;

    /// <summary>A whole page: <paramref name="body"/> (already encoded HTML) under the menu; with <paramref name="refresh"/> it reloads every 30 s.</summary>
    public static string Layout(string title, string body, IReadOnlyList<WebLink> menu, string partStyle, bool refresh = false)
    {
        ArgumentNullException.ThrowIfNull(menu);
        var links = string.Concat(menu.Select(l => $"<a href=\"{WebUtility.HtmlEncode(l.Href)}\">{WebUtility.HtmlEncode(l.Title)}</a>"));
        return $"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>{WebUtility.HtmlEncode(title)} · Slipway</title>
            {(refresh ? "<meta http-equiv=\"refresh\" content=\"30\">" : "")}
            <style>{BaseStyle}
            {partStyle}</style></head>
            <body><header><b>Slipway</b> {links}</header>
            <main>{body}</main></body></html>
            """;
    }
}
