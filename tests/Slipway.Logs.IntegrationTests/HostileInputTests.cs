using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Model;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// Bytes no log line should have, through syslog TCP and HTTP into each database, then the browser (docs/logs.md,
/// "Awkward input"): invalid UTF-8 becomes U+FFFD; NUL is kept on SQLite and MariaDB and becomes U+FFFD on PostgreSQL
/// (its text type cannot hold it); control characters are kept as sent and the browser shows them as \xHH; a message
/// over 64 KiB is cut there and ends with " …[truncated]".
/// </summary>
public sealed class HostileInputTests
{
    private const string Header = "<14>1 2026-03-10T12:00:00Z web1 hostile - - - ";

    [Theory(Timeout = 180_000)]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    [InlineData("postgres")]
    public async Task Invalid_utf8_nul_control_characters_and_huge_messages_are_stored_as_documented_and_shown_escaped(string engine)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var mariadb = engine == "mariadb" ? await MariaDbServer.StartAsync(ct) : null;
        await using var postgres = engine == "postgres" ? await PostgresServer.StartAsync(ct) : null;
        var url = engine switch
        {
            "mariadb" => mariadb!.Url("logs"),
            "postgres" => postgres!.Url("logs"),
            _ => dir.File("logs.db"),
        };
        if (mariadb is not null)
        {
            await mariadb.CreateDatabaseAsync("logs", ct);
        }

        if (postgres is not null)
        {
            await postgres.CreateDatabaseAsync("logs", ct);
        }

        await using var server = new LogServer(new LogServerOptions
        {
            Database = url, SyslogTcp = new IPEndPoint(IPAddress.Loopback, 0), Http = new IPEndPoint(IPAddress.Loopback, 0), SpoolPath = dir.File("spool.jsonl"),
        });
        await server.StartAsync(ct);

        // One octet-counted frame (a NUL inside does not end it), one line of 70,000 bytes, one JSON line over HTTP.
        var awkward = Concat(Encoding.ASCII.GetBytes(Header + "bad:"), [0xFF, 0xC3, 0x28], Encoding.ASCII.GetBytes(" nul:"), [0x00],
            Encoding.ASCII.GetBytes("x ctl:\u001b[31m red\u0007\u0008 end"));
        var huge = Encoding.ASCII.GetBytes(Header + "big " + new string('y', 70_000) + "\n");
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(server.TcpEndPoint!, ct);
            var stream = client.GetStream();
            await stream.WriteAsync(Concat(Encoding.ASCII.GetBytes(awkward.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " "), awkward), ct);
            await stream.WriteAsync(huge, ct);
        }

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using (var post = await http.PostAsync(new Uri("/api/logs", UriKind.Relative),
                   new StringContent("{\"program\":\"hostile\",\"message\":\"json nul:\\u0000 esc:\\u001b[0m\"}\n"), ct))
        {
            post.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        }

        IReadOnlyList<StoredEvent> events = [];
        (await Eventually.ForAsync(async () => (events = await server.Store.QueryAsync(new LogQuery { Program = "hostile" }, ct)).Count == 3,
            TimeSpan.FromSeconds(30), ct)).ShouldBeTrue($"stored {events.Count}");
        var nul = engine == "postgres" ? "\uFFFD" : "\0";
        var byStart = events.ToDictionary(e => e.Event.Message.Split(':')[0], e => e.Event);
        byStart["bad"].Message.ShouldBe($"bad:\uFFFD\uFFFD( nul:{nul}x ctl:\u001b[31m red\u0007\u0008 end");
        byStart["json nul"].Message.ShouldBe($"json nul:{nul} esc:\u001b[0m");
        var big = events.Single(e => e.Event.Message.StartsWith("big ", StringComparison.Ordinal)).Event;
        big.Flags.HasFlag(EventMarks.Truncated).ShouldBeTrue();
        big.Message.ShouldEndWith("y …[truncated]");
        Encoding.UTF8.GetByteCount(big.Message).ShouldBeLessThan(64 * 1024);
        Encoding.UTF8.GetByteCount(big.Message).ShouldBeGreaterThan(60 * 1024);

        var page = await http.GetStringAsync(new Uri("/?program=hostile", UriKind.Relative), ct);
        page.ShouldContain("bad:&#xFFFD;&#xFFFD;( nul:" + (engine == "postgres" ? "&#xFFFD;" : "<span class=\"ctl\">\\x00</span>") +
            "x ctl:<span class=\"ctl\">\\x1b</span>[31m red<span class=\"ctl\">\\x07</span><span class=\"ctl\">\\x08</span> end");
        page.ShouldNotContain("\u001b");
        page.ShouldNotContain("\0");
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
