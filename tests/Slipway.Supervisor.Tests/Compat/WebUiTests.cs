using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>The web UI suite against slipway supervise.</summary>
public sealed class SlipwayWebUiTests : WebUiTests
{
    protected override string Kind => Daemon.Slipway;
}

/// <summary>The suite against the Native AOT build of the daemon (what `slipway supervise` runs when it is installed).</summary>
public sealed class NativeWebUiTests : WebUiTests
{
    protected override string Kind => Daemon.SlipwayNative;
}

/// <summary>The same suite against Debian's supervisord: the status codes, redirects and messages are its own.</summary>
public sealed class SupervisordWebUiTests : WebUiTests
{
    protected override string Kind => Daemon.Supervisord;
}

/// <summary>
/// The web interface a browser sees at the inet_http_server address, driven over HTTP against both daemons:
/// the status page, its actions and their redirects, tail.html, auth. Behaviour is compared (codes, Location,
/// messages, the state supervisorctl then reports), not supervisord's markup.
/// </summary>
public abstract partial class WebUiTests
{
    protected abstract string Kind { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Programs = """
        [program:web]
        command=/bin/sh -c 'echo "web says <hello> & bye"; exec sleep 1000'
        startsecs=0

        [program:other]
        command=sleep 1000
        startsecs=0

        [group:grp]
        programs=other

        [program:broken]
        command=/nonexistent/<bad>
        startretries=0

        """;

    [Fact]
    public async Task Status_page_actions_redirect_with_supervisords_messages_and_act_on_the_processes()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("web", "RUNNING", Ct);
        await d.WaitForAsync("grp:other", "RUNNING", Ct);
        await d.WaitForAsync("broken", "FATAL", Ct);
        using var http = Client(d);

        using (var page = await http.GetAsync(new Uri("/", UriKind.Relative), Ct))
        {
            page.StatusCode.ShouldBe(HttpStatusCode.OK);
            page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
            var html = await page.Content.ReadAsStringAsync(Ct);
            StateOf(html, "web").ShouldBe("running");
            StateOf(html, "grp:other").ShouldBe("running");
            StateOf(html, "broken").ShouldBe("fatal");
            html.ShouldContain("tail.html?processname=grp%3Aother");
            html.ShouldContain("index.html?processname=web&amp;action=stop");
            html.ShouldContain("index.html?processname=broken&amp;action=start");
            // the spawn error names the command: escaped, never raw markup (supervisord leaves '>' as it is)
            html.ShouldContain("can't find command '/nonexistent/&lt;bad");
            html.ShouldNotContain("<bad");
        }

        StateOf(await PageAsync(http, "/index.html"), "web").ShouldBe("running");

        (await ActAsync(d, http, "processname=web&action=stop")).ShouldBe("Process web stopped");
        await ShouldBeAsync(d, "web", "STOPPED");
        StateOf(await PageAsync(http, "/"), "web").ShouldBe("stopped");
        (await ActAsync(d, http, "processname=web&action=stop")).ShouldBe("unexpected rpc fault [70] NOT_RUNNING: web");
        (await ActAsync(d, http, "processname=web&action=start")).ShouldBe("Process web started");
        await ShouldBeAsync(d, "web", "RUNNING");
        (await ActAsync(d, http, "processname=web&action=start")).ShouldBe("ERROR: Process web: already started");
        (await ActAsync(d, http, "processname=broken&action=start")).ShouldBe("ERROR: Process broken: no such file");
        (await ActAsync(d, http, "processname=nosuch&action=start")).ShouldBe("No such process named nosuch");
        (await ActAsync(d, http, "processname=grp%3A*&action=stop")).ShouldBe("No such process named grp:*");

        var pid = await PidAsync(d, "grp:other");
        (await ActAsync(d, http, "processname=grp%3Aother&action=restart")).ShouldBe("Process grp:other restarted");
        await ShouldBeAsync(d, "grp:other", "RUNNING");
        (await PidAsync(d, "grp:other")).ShouldNotBe(pid);

        // tail.html: the program's output, escaped; cleared by clearlog
        var tail = await PageAsync(http, "/tail.html?processname=web&limit=2048");
        tail.ShouldContain("web says &lt;hello"); // supervisord leaves '>' as it is
        tail.ShouldContain("&amp; bye");
        tail.ShouldNotContain("<hello");
        tail.ShouldContain("tail.html?processname=web&amp;limit=2048");
        (await ActAsync(d, http, "processname=web&action=clearlog")).ShouldBe("Log for web cleared");
        (await PageAsync(http, "/tail.html?processname=web")).ShouldNotContain("web says");
        (await PageAsync(http, "/tail.html?processname=nosuch")).ShouldContain("ERROR: unexpected rpc fault [10] BAD_NAME: nosuch");
        (await PageAsync(http, "/tail.html")).ShouldContain("No process name found");

        // restart all: web runs again (a new pid) and prints its line again into the cleared log
        pid = await PidAsync(d, "web");
        (await ActAsync(d, http, "action=restartall")).ShouldMatch(@"^All restarted at " + CTime + "$");
        await ShouldBeAsync(d, "web", "RUNNING");
        (await PidAsync(d, "web")).ShouldNotBe(pid);
        (await PageAsync(http, "/tail.html?processname=web")).ShouldContain("web says &lt;hello");

        (await ActAsync(d, http, "action=refresh")).ShouldMatch(@"^Page refreshed at " + CTime + "$");

        // following the redirect shows the message, escaped
        (await PageAsync(http, "/?message=Process%20web%20stopped")).ShouldContain("Process web stopped");
        var hostile = await PageAsync(http, "/?message=%3Cscript%3Ealert(1)%3C/script%3E");
        hostile.ShouldContain("&lt;script");
        hostile.ShouldNotContain("<script>");

        (await ActAsync(d, http, "action=stopall")).ShouldMatch(@"^All stopped at " + CTime + "$");
        await ShouldBeAsync(d, "web", "STOPPED");
        await ShouldBeAsync(d, "grp:other", "STOPPED");

        // an action supervisord does not know, or one without its process: 500, and the daemon carries on
        using (var bogus = await http.GetAsync(new Uri("/index.html?processname=web&action=bogus", UriKind.Relative), Ct))
        {
            bogus.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        using (var nameless = await http.GetAsync(new Uri("/index.html?action=start", UriKind.Relative), Ct))
        {
            nameless.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        }

        (await ActAsync(d, http, "processname=web&action=start")).ShouldBe("Process web started");
    }

    [Fact]
    public async Task The_ui_answers_on_the_unix_socket_too()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct);
        await d.WaitForAsync("web", "RUNNING", Ct);
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(d.Socket), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };
        StateOf(await PageAsync(http, "/"), "web").ShouldBe("running");
        using var act = await http.GetAsync(new Uri("/index.html?processname=web&action=stop", UriKind.Relative), Ct);
        act.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        act.Headers.Location!.OriginalString.ShouldBe("http://localhost/?message=Process%20web%20stopped");
        await ShouldBeAsync(d, "web", "STOPPED");
    }

    [Fact]
    public async Task With_credentials_on_the_server_the_ui_answers_401_without_them_and_acts_with_them()
    {
        await using var d = await Daemon.StartAsync(Kind, Programs, Ct, user: "admin", password: "s3cret");
        await d.WaitForAsync("web", "RUNNING", Ct);
        using var http = Client(d);
        foreach (var path in new[] { "/", "/index.html?processname=web&action=stop", "/tail.html?processname=web" })
        {
            using var denied = await http.GetAsync(new Uri(path, UriKind.Relative), Ct);
            denied.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            denied.Headers.WwwAuthenticate.ToString().ShouldStartWith("Basic");
        }

        await ShouldBeAsync(d, "web", "RUNNING");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:wrong"u8.ToArray()));
        using (var wrong = await http.GetAsync(new Uri("/", UriKind.Relative), Ct))
        {
            wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:s3cret"u8.ToArray()));
        (await ActAsync(d, http, "processname=web&action=stop")).ShouldBe("Process web stopped");
        await ShouldBeAsync(d, "web", "STOPPED");
    }

    /// <summary>time.ctime(): <c>Fri Nov  7 14:20:07 2026</c>.</summary>
    private const string CTime = @"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}";

    private static HttpClient Client(Daemon d) =>
        new(new HttpClientHandler { AllowAutoRedirect = false })
        {
            BaseAddress = new Uri("http://127.0.0.1:" + d.Port.ToString(CultureInfo.InvariantCulture)),
        };

    private static async Task<string> PageAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>Runs an action: supervisord answers 301 to <c>SERVER_URL/?message=...</c>; returns the message.</summary>
    private static async Task<string> ActAsync(Daemon d, HttpClient http, string query)
    {
        using var response = await http.GetAsync(new Uri("/index.html?" + query, UriKind.Relative), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently, query);
        var location = response.Headers.Location!.OriginalString;
        var prefix = "http://127.0.0.1:" + d.Port.ToString(CultureInfo.InvariantCulture) + "/?message=";
        location.ShouldStartWith(prefix);
        var quoted = location[prefix.Length..];
        quoted.ShouldNotContain(" ");
        return Uri.UnescapeDataString(quoted);
    }

    /// <summary>The lower-case state shown in the row of <paramref name="namespec"/> (the state column comes before the name).</summary>
    private static string StateOf(string html, string namespec)
    {
        var at = html.IndexOf(">" + WebUtility.HtmlEncode(namespec) + "</a>", StringComparison.Ordinal);
        at.ShouldBeGreaterThan(0, $"{namespec} is not on the page:\n{html}");
        var row = html[html.LastIndexOf("<tr", at, StringComparison.Ordinal)..at];
        var state = StatePattern().Match(row);
        state.Success.ShouldBeTrue(row);
        return state.Groups[1].Value;
    }

    private static async Task ShouldBeAsync(Daemon d, string name, string state)
    {
        var (_, output) = await d.CtlAsync(Ct, "status", name);
        output.ShouldContain(" " + state + " ", Case.Sensitive, $"{d.Kind}: {name}");
    }

    private static async Task<string> PidAsync(Daemon d, string name) => (await d.CtlAsync(Ct, "pid", name)).Output.Trim();

    [GeneratedRegex(">(stopped|starting|running|backoff|stopping|exited|fatal|unknown)<")]
    private static partial Regex StatePattern();
}
