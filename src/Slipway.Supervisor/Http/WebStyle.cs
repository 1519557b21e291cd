namespace Slipway.Supervisor.Http;

/// <summary>The web UI's stylesheet, served at <c>/stylesheets/supervisor.css</c> (where supervisord serves its own).</summary>
public static class WebStyle
{
    public const string Path = "/stylesheets/supervisor.css";

    public const string ContentType = "text/css";

    public const string Css = """
        body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; background: #f6f7f9; }
        header { display: flex; align-items: baseline; gap: 1em; padding: 12px 24px; background: #2d3e50; color: #fff; }
        header h1 { margin: 0; font-size: 20px; font-weight: 600; }
        header .version { font-size: 12px; opacity: .75; }
        main { padding: 16px 24px; }
        .status_msg { margin: 0 0 12px; padding: 8px 12px; border-left: 4px solid #3c8dbc; background: #e8f2fa; }
        #buttons { display: flex; gap: 8px; margin: 0 0 12px; padding: 0; list-style: none; }
        a.button { display: inline-block; padding: 5px 12px; border: 1px solid #b9c2cc; border-radius: 4px; background: #fff; color: #2d3e50; text-decoration: none; }
        a.button:hover { background: #eef1f4; }
        table#status { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #d5dbe1; }
        th, td { padding: 6px 10px; text-align: left; vertical-align: top; border-bottom: 1px solid #e4e8ec; }
        th { background: #eef1f4; font-weight: 600; }
        tr.shade td { background: #fafbfc; }
        td.status span { display: inline-block; min-width: 5.5em; padding: 1px 6px; border-radius: 3px; text-align: center; font-size: 12px; font-weight: 600; text-transform: uppercase; }
        .statusrunning { background: #d8f0dc; color: #1e6b2e; }
        .statuserror { background: #f8dada; color: #9b1c1c; }
        .statusnominal { background: #e6e8eb; color: #444; }
        td.action ul { display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 0; padding: 0; list-style: none; }
        td.action a, td.name a { color: #1f5f99; text-decoration: none; }
        td.action a:hover, td.name a:hover { text-decoration: underline; }
        .empty { color: #666; }
        main.tail pre { padding: 12px; background: #fff; border: 1px solid #d5dbe1; white-space: pre-wrap; word-break: break-all; }

        """;
}
