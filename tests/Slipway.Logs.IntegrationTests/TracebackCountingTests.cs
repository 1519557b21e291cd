using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// Issue 20's counting bug, end to end on each database: tracebacks written line by line (back to back, interleaved by
/// two pids, chained, and shuffled over UDP) reach a real log server and each counts once in its group.
/// </summary>
public sealed class TracebackCountingTests
{
    private const string ZeroDivision = """
        Traceback (most recent call last):
          File "/srv/shop/releases/1/shop/views.py", line 42, in checkout
            total = compute(order)
          File "/srv/shop/releases/1/shop/pricing.py", line 10, in compute
            return order.amount / order.count
        ZeroDivisionError: division by zero
        """;

    private const string MissingSku = """
        Traceback (most recent call last):
          File "/srv/shop/releases/1/shop/tasks.py", line 7, in sync
            sku = row["sku"]
        KeyError: 'sku'
        """;

    private const string Chained = ZeroDivision + """

        During handling of the above exception, another exception occurred:

        Traceback (most recent call last):
          File "/srv/shop/releases/1/shop/views.py", line 50, in checkout
            raise CheckoutFailed()
        shop.errors.CheckoutFailed
        """;

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    [InlineData("postgres")]
    public async Task Each_traceback_counts_once_on_every_database(string engine)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var databases = await Databases.StartAsync(engine, dir, ct);
        await using var server = new LogServer(new LogServerOptions
        {
            Database = databases.Url, SyslogUdp = new IPEndPoint(IPAddress.Loopback, 0), SyslogTcp = new IPEndPoint(IPAddress.Loopback, 0),
            SenderZone = TimeZoneInfo.Utc,
        });
        await server.StartAsync(ct);

        // One TCP connection, a line per message as Python's SysLogHandler sends them.
        var tcp = new List<string>();
        tcp.AddRange(Lines(ZeroDivision).Concat(Lines(ZeroDivision)).Select(l => Rfc3164("gunicorn[77]", l))); // back to back
        tcp.Add(Rfc3164("gunicorn[77]", "GET /next 200"));
        foreach (var (a, b) in Lines(MissingSku).Zip(Lines(MissingSku))) // two workers of one program, interleaved
        {
            tcp.Add(Rfc3164("worker[81]", a));
            tcp.Add(Rfc3164("worker[82]", b));
        }

        tcp.Add(Rfc3164("worker[81]", "idle"));
        tcp.Add(Rfc3164("worker[82]", "idle"));
        tcp.AddRange(Lines(Chained).Select(l => Rfc3164("cron[90]", l)));
        tcp.Add(Rfc3164("cron[90]", "next run in 60 s"));
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(server.TcpEndPoint!, ct);
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(string.Concat(tcp)), ct);
        }

        // Over UDP with precise RFC 5424 times, the lines arriving shuffled (frames and the exception line first).
        var lines = Lines(ZeroDivision);
        using (var udp = new UdpClient())
        {
            foreach (var i in new[] { 3, 5, 1, 0, 2, 4 })
            {
                await udp.SendAsync(Encoding.UTF8.GetBytes(Rfc5424(i, lines[i])), server.UdpEndPoint!, ct);
            }

            await udp.SendAsync(Encoding.UTF8.GetBytes(Rfc5424(9, "request done")), server.UdpEndPoint!, ct);
        }

        var ok = await Eventually.ForAsync(async () => (await server.Store.QueryAsync(new LogQuery { Limit = 100 }, ct)).Count >= 11, TimeSpan.FromSeconds(30), ct);
        var events = await server.Store.QueryAsync(new LogQuery { Limit = 100 }, ct);
        ok.ShouldBeTrue(string.Join("\n---\n", events.Select(e => $"{e.Event.Program}[{e.Event.ProcId}] {e.Event.Message}")));
        events.Count.ShouldBe(11);

        var zero = TracebackFingerprint.Compute(ZeroDivision)!.Fingerprint;
        var sku = TracebackFingerprint.Compute(MissingSku)!.Fingerprint;
        var chained = TracebackFingerprint.Compute(Chained)!.Fingerprint;
        events.Where(e => e.Event.Fingerprint == zero).Select(e => e.Event.Message).ShouldBe(Enumerable.Repeat(ZeroDivision.TrimEnd('\n'), 3));
        events.Where(e => e.Event.Fingerprint == sku).Select(e => e.Event.ProcId).ShouldBe(["82", "81"], ignoreOrder: true);
        events.Single(e => e.Event.Fingerprint == chained).Event.Message.ShouldBe(Chained.TrimEnd('\n'));

        (await server.Store.GetGroupAsync(zero, ct))!.TotalCount.ShouldBe(3);
        (await server.Store.GetGroupAsync(sku, ct))!.TotalCount.ShouldBe(2);
        var chainedGroup = (await server.Store.GetGroupAsync(chained, ct))!;
        chainedGroup.TotalCount.ShouldBe(1);
        chainedGroup.Title.ShouldBe("shop.errors.CheckoutFailed");
    }

    private static string Rfc3164(string tag, string line) => $"<11>Mar 10 12:00:00 web1 {tag}: {line}\n";

    private static string Rfc5424(int i, string line) => $"<11>1 2026-03-10T12:00:00.{i + 1:D3}500Z web2 udpapp 95 - - {line}";

    /// <summary>The database a test's log server writes to, started for it and stopped after.</summary>
    private sealed class Databases(string url, IAsyncDisposable? server) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public static async Task<Databases> StartAsync(string engine, TempDir dir, CancellationToken ct)
        {
            switch (engine)
            {
                case "mariadb":
                    var maria = await MariaDbServer.StartAsync(ct);
                    await maria.CreateDatabaseAsync("logs", ct);
                    return new Databases(maria.Url("logs"), maria);
                case "postgres":
                    var pg = await PostgresServer.StartAsync(ct);
                    await pg.CreateDatabaseAsync("logs", ct);
                    return new Databases(pg.Url("logs"), pg);
                default:
                    return new Databases(dir.File("logs.db"), null);
            }
        }

        public ValueTask DisposeAsync() => server?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
