using System.Text;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Http;

/// <summary>One row of the status page: a process as getProcessInfo describes it.</summary>
public sealed record WebRow(string Group, string Name, ProcessState State, string Description)
{
    public string Namespec => WebForm.Namespec(Group, Name);
}

/// <summary>
/// The web UI's pages (our own markup; the behaviour of supervisord's ui/status.html and ui/tail.html): every
/// name, description, message and log byte is HTML-escaped, every link argument URL-quoted.
/// </summary>
public static class WebPages
{
    public const string ContentType = "text/html;charset=utf-8";

    /// <summary>The status page: the message (if any), the buttons, then one row per process in the given order.</summary>
    public static string Status(IReadOnlyList<WebRow> rows, string? message, string version)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var b = new StringBuilder(2048 + (rows.Count * 900));
        Head(b, "Supervisor Status");
        b.Append("<header><h1>Supervisor</h1><span class=\"version\">slipway supervise, supervisord ")
            .Append(WebForm.Escape(version)).Append(" compatible</span></header>\n<main>\n");
        if (message is not null)
        {
            b.Append("<div class=\"status_msg\" id=\"message\">").Append(WebForm.Escape(message)).Append("</div>\n");
        }

        b.Append("""
            <ul id="buttons">
              <li><a class="button" href="index.html?action=refresh">Refresh</a></li>
              <li><a class="button" href="index.html?action=restartall">Restart All</a></li>
              <li><a class="button" href="index.html?action=stopall">Stop All</a></li>
            </ul>

            """);
        if (rows.Count == 0)
        {
            b.Append("<p class=\"empty\">No programs to manage</p>\n");
        }
        else
        {
            b.Append("<table id=\"status\">\n<thead><tr><th class=\"state\">State</th><th class=\"desc\">Description</th>")
                .Append("<th class=\"name\">Name</th><th class=\"action\">Action</th></tr></thead>\n<tbody>\n");
            var shade = false;
            foreach (var row in rows)
            {
                Row(b, row, shade);
                shade = !shade;
            }

            b.Append("</tbody>\n</table>\n");
        }

        b.Append("</main>\n</body>\n</html>\n");
        return b.ToString();
    }

    private static void Row(StringBuilder b, WebRow row, bool shade)
    {
        var quoted = WebForm.Quote(row.Namespec);
        b.Append(shade ? "<tr class=\"shade\">" : "<tr>")
            .Append("<td class=\"status\"><span class=\"").Append(StateClass(row.State)).Append("\">")
            .Append(ProcessStates.Name(row.State).ToLowerInvariant()).Append("</span></td>")
            .Append("<td class=\"desc\">").Append(WebForm.Escape(row.Description)).Append("</td>")
            .Append("<td class=\"name\"><a href=\"tail.html?processname=").Append(quoted).Append("\" target=\"_blank\">")
            .Append(WebForm.Escape(row.Namespec)).Append("</a></td>")
            .Append("<td class=\"action\"><ul>");
        foreach (var (label, href, blank) in Actions(row.State, quoted))
        {
            b.Append("<li><a href=\"").Append(href).Append('"').Append(blank ? " target=\"_blank\"" : "").Append('>')
                .Append(label).Append("</a></li>");
        }

        b.Append("</ul></td></tr>\n");
    }

    /// <summary>supervisord's actions_for_process: what a process in this state can be asked to do.</summary>
    private static IEnumerable<(string Label, string Href, bool Blank)> Actions(ProcessState state, string quoted)
    {
        string Act(string action) => "index.html?processname=" + quoted + "&amp;action=" + action;
        if (state == ProcessState.Running)
        {
            yield return ("Restart", Act("restart"), false);
            yield return ("Stop", Act("stop"), false);
        }
        else if (state is ProcessState.Stopped or ProcessState.Exited or ProcessState.Fatal)
        {
            yield return ("Start", Act("start"), false);
        }

        yield return ("Clear Log", Act("clearlog"), false);
        yield return ("Tail -f Stdout", "logtail/" + quoted, true);
        yield return ("Tail -f Stderr", "logtail/" + quoted + "/stderr", true);
    }

    private static string StateClass(ProcessState state) => state switch
    {
        ProcessState.Running => "statusrunning",
        ProcessState.Fatal or ProcessState.Backoff => "statuserror",
        _ => "statusnominal",
    };

    /// <summary>
    /// The tail page: <paramref name="text"/> (the log's end, or what went wrong) and, when there is a process,
    /// a link that shows it again with the same limit.
    /// </summary>
    public static string Tail(string? processName, string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        var b = new StringBuilder(text.Length + 1024);
        Head(b, "Supervisor tail of process " + (processName ?? "None"));
        b.Append("<main class=\"tail\">\n<pre id=\"tail\">").Append(WebForm.Escape(text)).Append("</pre>\n");
        if (processName is not null)
        {
            b.Append("<p><a class=\"button\" href=\"tail.html?processname=").Append(WebForm.Quote(processName))
                .Append("&amp;limit=").Append(limit).Append("\">Refresh</a></p>\n");
        }

        b.Append("</main>\n</body>\n</html>\n");
        return b.ToString();
    }

    private static void Head(StringBuilder b, string title) =>
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n<title>").Append(WebForm.Escape(title))
            .Append("</title>\n<link href=\"stylesheets/supervisor.css\" rel=\"stylesheet\" type=\"text/css\" />\n</head>\n<body>\n");
}
