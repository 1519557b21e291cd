using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Slipway.Supervisor.Rpc;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Http;

/// <summary>
/// supervisord's web interface (web.py) on the same servers as <c>/RPC2</c>, behind the same Basic auth:
/// <c>/</c> and <c>/index.html</c> (the status page and its actions, answered with a 301 to
/// <c>/?message=...</c> as supervisord does), <c>/tail.html</c> (the end of a process's stdout log),
/// <c>/ok.html</c>, and the stylesheet. Everything it shows or does goes through the XML-RPC methods.
/// </summary>
public sealed partial class WebUi(SupervisorRpc rpc, TimeProvider time)
{
    private const int DefaultTailBytes = 1024;

    private static readonly string[] NoCache = ["Pragma: no-cache", "Cache-Control: no-cache", "Expires: Thu, 01 Jan 1970 00:00:00 GMT"];

    /// <summary>Whether this request is the web UI's (supervisord's match: GET or POST, leading slashes ignored).</summary>
    public static bool Serves(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (method == "GET" && path == WebStyle.Path)
        {
            return true;
        }

        return method is "GET" or "POST" && Page(path) is "index.html" or "tail.html" or "ok.html";
    }

    private static string Page(string path)
    {
        var page = path.TrimStart('/');
        return page.Length == 0 ? "index.html" : page;
    }

    public async Task<bool> HandleAsync(HttpRequest request, HttpResponder responder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responder);
        var path = request.Target.Split('?')[0];
        if (path == WebStyle.Path)
        {
            await responder.SendAsync(200, "OK", WebStyle.ContentType, Encoding.UTF8.GetBytes(WebStyle.Css), null, request.KeepAlive, ct);
            return true;
        }

        var form = WebForm.Parse(request);
        try
        {
            switch (Page(path))
            {
                case "ok.html":
                    await responder.SendAsync(200, "OK", "text/plain", "OK"u8.ToArray(), null, request.KeepAlive, ct);
                    return true;
                case "tail.html":
                    await SendPageAsync(WebPages.Tail(form.GetValueOrDefault("processname"), await TailTextAsync(form), TailLimit(form)),
                        request, responder, ct);
                    return true;
                default:
                    return await StatusAsync(form, request, responder, ct);
            }
        }
        catch (Exception e) when (e is WebActionException or FaultException)
        {
            // supervisord answers 500 here (a ValueError for an unknown action, an RPCError once it is shutting down)
            var body = "<h1>500 Internal Server Error</h1>\n<p>" + WebForm.Escape(e.Message) + "</p>\n";
            await responder.SendAsync(500, "Internal Server Error", "text/html", Encoding.UTF8.GetBytes(body), null, request.KeepAlive, ct);
            return true;
        }
    }

    private async Task<bool> StatusAsync(Dictionary<string, string> form, HttpRequest request, HttpResponder responder, CancellationToken ct)
    {
        if (form.TryGetValue("action", out var action))
        {
            var message = await new WebActions(rpc, time).RunAsync(form.GetValueOrDefault("processname"), action);
            var location = ServerUrl(request) + "/?message=" + WebForm.Quote(message);
            await responder.SendAsync(301, "Moved Permanently", "text/html", "<h1>301 Moved Permanently</h1>\n"u8.ToArray(),
                [.. NoCache, "Location: " + location], request.KeepAlive, ct);
            return true;
        }

        var page = WebPages.Status(await RowsAsync(), form.GetValueOrDefault("message"), SupervisorRpc.SupervisorVersion);
        await SendPageAsync(page, request, responder, ct);
        return true;
    }

    private static async Task SendPageAsync(string page, HttpRequest request, HttpResponder responder, CancellationToken ct) =>
        await responder.SendAsync(200, "OK", WebPages.ContentType, Encoding.UTF8.GetBytes(page), NoCache, request.KeepAlive, ct);

    /// <summary>getAllProcessInfo's answer: the rows show exactly what supervisorctl status shows, in the same order.</summary>
    private async Task<List<WebRow>> RowsAsync()
    {
        var infos = await rpc.CallAsync("supervisor.getAllProcessInfo", []) as List<object?> ?? [];
        return infos.OfType<ProcessInfoValue>().Select(i => new WebRow(i.Group, i.Name, i.State, i.Description)).ToList();
    }

    /// <summary>The tail page's limit: at least 1024 bytes, as supervisord's <c>min(-1024, -limit)</c> makes it.</summary>
    private static int TailLimit(Dictionary<string, string> form)
    {
        var text = form.GetValueOrDefault("limit", "1024");
        if (text.Length == 0 || !text.All(char.IsAsciiDigit))
        {
            return DefaultTailBytes;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Max(n, DefaultTailBytes) : int.MaxValue;
    }

    private async Task<string> TailTextAsync(Dictionary<string, string> form)
    {
        if (!form.TryGetValue("processname", out var name))
        {
            return "No process name found";
        }

        try
        {
            return await rpc.CallAsync("supervisor.readProcessStdoutLog", [name, -TailLimit(form), 0]) as string ?? "";
        }
        catch (FaultException e)
        {
            return e.Code == Faults.NoFile ? "No file for " + name : $"ERROR: unexpected rpc fault [{e.Code}] {e.Message}";
        }
    }

    /// <summary>
    /// supervisord's get_server_url: <c>http://</c> and the Host header (without a default :80). Without a Host
    /// header supervisord makes up a name (for the unix socket, an unusable one); a relative redirect is used instead.
    /// </summary>
    public static string ServerUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = request.Header("host")?.Trim();
        if (string.IsNullOrEmpty(host))
        {
            return "";
        }

        var m = HostPort().Match(host);
        if (m.Success && m.Groups[2].Value == "80")
        {
            host = m.Groups[1].Value;
        }

        return ("http://" + host).TrimEnd('/');
    }

    [GeneratedRegex(@"^(.*):([0-9]+)$", RegexOptions.Singleline)]
    private static partial Regex HostPort();
}
