using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Logs.Model;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>Real senders (util-linux logger, raw sockets, HTTP) into a real log server.</summary>
public sealed class SyslogIntakeTests
{
    private static readonly IPEndPoint Any = new(IPAddress.Loopback, 0);

    private static async Task<LogServer> StartAsync(string db, CancellationToken ct, string? token = null)
    {
        var server = new LogServer(new LogServerOptions
        {
            Database = db, SyslogUdp = Any, SyslogTcp = Any, Http = Any, Token = token, SenderZone = TimeZoneInfo.Utc,
        });
        await server.StartAsync(ct);
        return server;
    }

    private static async Task LoggerAsync(LogServer server, string transport, string format, string tag, string message, CancellationToken ct, params string[] extra)
    {
        var port = transport == "--udp" ? server.UdpEndPoint!.Port : server.TcpEndPoint!.Port;
        string[] args = ["--server", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), transport, format, "-t", tag, .. extra, message];
        var result = await ProcessTools.RunAsync("logger", args, ct);
        result.ExitCode.ShouldBe(0, result.Stderr);
    }

    private static async Task<IReadOnlyList<StoredEvent>> WaitForAsync(
        ILogStore store, LogQuery query, int count, CancellationToken ct, int seconds = 30)
    {
        IReadOnlyList<StoredEvent> found = [];
        var ok = await Eventually.ForAsync(async () => (found = await store.QueryAsync(query, ct)).Count >= count, TimeSpan.FromSeconds(seconds), ct);
        ok.ShouldBeTrue($"expected {count} events for {query}, found {found.Count}");
        return found;
    }

    [Fact]
    public async Task Logger_over_udp_and_tcp_in_both_formats_is_stored_with_its_fields()
    {
        Requires.Check(File.Exists("/usr/bin/logger"), "util-linux logger missing (apt-get install -y bsdutils)", Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var server = await StartAsync(dir.File("logs.db"), ct);

        await LoggerAsync(server, "--udp", "--rfc3164", "udp3164", "message one", ct, "-p", "local3.err", "--id=4242");
        await LoggerAsync(server, "--udp", "--rfc5424", "udp5424", "message two", ct, "-p", "daemon.warning", "--msgid", "M2");
        await LoggerAsync(server, "--tcp", "--rfc3164", "tcp3164", "message three", ct, "-p", "auth.info");
        await LoggerAsync(server, "--tcp", "--rfc5424", "tcp5424", "message four", ct, "--octet-count", "--sd-id", "zoo@123", "--sd-param", "tiger=\"hungry\"");

        var events = await WaitForAsync(server.Store, new LogQuery(), 4, ct);
        var byTag = events.ToDictionary(e => e.Event.Program, e => e.Event);
        byTag.Keys.ShouldBe(["udp3164", "udp5424", "tcp3164", "tcp5424"], ignoreOrder: true);
        byTag.Values.ShouldAllBe(e => e.Flags == EventMarks.None && e.Host == Environment.MachineName && e.ReportedAt != null);

        byTag["udp3164"].ShouldSatisfyAllConditions(
            e => e.Message.ShouldBe("message one"), e => e.Facility.ShouldBe(19), e => e.Severity.ShouldBe(3), e => e.ProcId.ShouldBe("4242"));
        byTag["udp5424"].ShouldSatisfyAllConditions(
            e => e.Message.ShouldBe("message two"), e => e.Facility.ShouldBe(3), e => e.Severity.ShouldBe(4), e => e.MsgId.ShouldBe("M2"));
        byTag["tcp3164"].Facility.ShouldBe(4);
        byTag["tcp5424"].StructuredData.ShouldContain("[zoo@123 tiger=\"hungry\"]");
        (DateTimeOffset.UtcNow - byTag["tcp5424"].ReportedAt!.Value).ShouldBeLessThan(TimeSpan.FromMinutes(1));

        var severe = await server.Store.QueryAsync(new LogQuery { MaxSeverity = 4, Text = "message" }, ct);
        severe.Select(e => e.Event.Program).ShouldBe(["udp5424", "udp3164"]);
    }

    [Fact]
    public async Task A_traceback_logged_line_by_line_is_reassembled_and_grouped()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var server = await StartAsync(dir.File("logs.db"), ct);
        var lines = new[]
        {
            "Traceback (most recent call last):",
            "  File \"/srv/shop/releases/1/shop/views.py\", line 42, in checkout",
            "    total = compute(order)",
            "  File \"/srv/shop/releases/1/shop/pricing.py\", line 10, in compute",
            "    return order.amount / order.count",
            "ZeroDivisionError: division by zero",
        };

        // One TCP connection, one line per message, as a Python app's syslog handler sends them; another worker interleaves.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(server.TcpEndPoint!, ct);
            var stream = client.GetStream();
            foreach (var line in lines)
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes($"<11>Mar 10 12:00:00 web1 gunicorn[77]: {line}\n"), ct);
                await stream.WriteAsync("<14>Mar 10 12:00:00 web1 gunicorn[78]: GET / 200\n"u8.ToArray(), ct);
            }

            await stream.WriteAsync("<14>Mar 10 12:00:01 web1 gunicorn[77]: GET /next 200\n"u8.ToArray(), ct);
        }

        var events = await WaitForAsync(server.Store, new LogQuery(), 8, ct);
        var tb = events.Single(e => e.Event.Fingerprint is not null).Event;
        tb.Message.ShouldBe(string.Join('\n', lines));
        tb.Severity.ShouldBe(3);
        tb.Flags.ShouldBe(EventMarks.Reassembled);

        var group = (await server.Store.GetGroupAsync(tb.Fingerprint!, ct))!;
        group.Title.ShouldBe("ZeroDivisionError: division by zero");
        group.Hosts.ShouldBe([new HostCount("web1", 1)]);
    }

    [Fact]
    public async Task Random_bytes_to_every_port_never_stop_the_server()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var server = await StartAsync(dir.File("logs.db"), ct);
        var random = new Random(1);
        var noise = new byte[1024 * 1024];
        random.NextBytes(noise);

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.TcpEndPoint!, ct);
            for (var i = 0; i < 4; i++)
            {
                await tcp.GetStream().WriteAsync(noise, ct);
            }
        }

        using (var udp = new UdpClient())
        {
            for (var i = 0; i < 2000; i++)
            {
                await udp.SendAsync(noise.AsMemory(random.Next(noise.Length - 2000), random.Next(1, 1500)), server.UdpEndPoint!, ct);
            }
        }

        using (var http = new HttpClient())
        {
            using var content = new ByteArrayContent(noise);
            using var response = await http.PostAsync(new Uri(server.HttpAddress!, "api/logs"), content, ct);
            ((int)response.StatusCode).ShouldBe(202);
        }

        // Still healthy: a well-formed message afterwards arrives.
        await LoggerAsync(server, "--tcp", "--rfc5424", "after", "still alive", ct, "--octet-count");
        // It queues behind ~50,000 junk events (each stored raw and indexed), so allow for a busy CI machine.
        var events = await WaitForAsync(server.Store, new LogQuery { Program = "after" }, 1, ct, seconds: 120);
        events.Single().Event.Message.ShouldBe("still alive");
        server.Metrics.ParseErrors.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Rsyslog_forwarding_with_octet_counting_arrives_whole_and_tracebacks_are_reassembled()
    {
        Requires.Check(File.Exists("/usr/sbin/rsyslogd"), "rsyslog not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y rsyslog)",
            Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var server = await StartAsync(dir.File("logs.db"), ct);
        var udpPort = Fixtures.ServerProcess.FreeTcpPort();
        Directory.CreateDirectory(dir.File("work"));
        var conf = dir.Write("rsyslog.conf", $"""
            global(workDirectory="{dir.File("work")}")
            module(load="imudp")
            input(type="imudp" address="127.0.0.1" port="{udpPort}")
            *.* action(type="omfwd" target="127.0.0.1" port="{server.TcpEndPoint!.Port}" protocol="tcp"
                       TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
            """);
        var log = dir.File("rsyslog.log");
        using var rsyslog = Fixtures.ServerProcess.Start("/usr/sbin/rsyslogd", ["-n", "-f", conf, "-i", dir.File("rsyslog.pid")], log);
        try
        {
            var lines = dir.Write("tb.txt", """
                Traceback (most recent call last):
                  File "/srv/shop/orders.py", line 9, in place
                    charge(order)
                RuntimeError: card declined
                """);
            // Wait until rsyslog listens (the first messages may be lost on UDP before that), then send the real ones.
            var ready = await Eventually.ForAsync(async () =>
            {
                await ProcessTools.RunAsync("logger", ["--server", "127.0.0.1", "--port", udpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--udp", "-t", "probe", "ping"], ct);
                return (await server.Store.QueryAsync(new LogQuery { Program = "probe" }, ct)).Count > 0;
            }, TimeSpan.FromSeconds(20), ct);
            ready.ShouldBeTrue(Fixtures.ServerProcess.SafeRead(log));

            var port = udpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            (await ProcessTools.RunAsync("logger", ["--server", "127.0.0.1", "--port", port, "--udp", "-t", "shop", "--id=321", "-p", "local0.err", "-f", lines], ct)).ExitCode.ShouldBe(0);
            (await ProcessTools.RunAsync("logger", ["--server", "127.0.0.1", "--port", port, "--udp", "-t", "shop", "--id=321", "order 7 placed"], ct)).ExitCode.ShouldBe(0);

            var events = await WaitForAsync(server.Store, new LogQuery { Program = "shop" }, 2, ct);
            events[0].Event.Message.ShouldBe("order 7 placed");
            var tb = events[1].Event;
            tb.Message.ShouldBe((await File.ReadAllTextAsync(lines, ct)).TrimEnd('\n'));
            tb.ProcId.ShouldBe("321");
            tb.Facility.ShouldBe(16);
            tb.Severity.ShouldBe(3);
            tb.Fingerprint.ShouldNotBeNull();
            tb.Flags.ShouldBe(EventMarks.Reassembled);
        }
        finally
        {
            await Fixtures.ServerProcess.StopAsync(rsyslog, TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task A_stalled_client_does_not_hold_up_thousands_of_others()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var server = await StartAsync(dir.File("logs.db"), ct);

        // A client that announces a 99,999-byte frame, sends 30 bytes of it and then goes quiet.
        using var stalled = new TcpClient();
        await stalled.ConnectAsync(server.TcpEndPoint!, ct);
        await stalled.GetStream().WriteAsync("99999 <13>1 - h stalled - - - par"u8.ToArray(), ct);

        // 2,000 connections at once, each sending one LF-framed message.
        const int Clients = 2000;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async i =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(server.TcpEndPoint!, ct);
            await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(FormattableString.Invariant($"<14>1 - h many - - - client {i}\n")), ct);
        }));

        var ok = await Eventually.ForAsync(async () =>
            (await server.Store.QueryAsync(new LogQuery { Program = "many", Limit = Clients + 1 }, ct)).Count == Clients,
            TimeSpan.FromSeconds(30), ct);
        ok.ShouldBeTrue();
        server.Metrics.TcpConnections.ShouldBeGreaterThanOrEqualTo(1); // the stalled one is still open
        (await server.Store.QueryAsync(new LogQuery { Program = "stalled" }, ct)).ShouldBeEmpty();
    }
}
