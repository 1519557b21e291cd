using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Logs.Parsing;
using Slipway.Supervisor.Logging;
using Slipway.Testing;
using TestDaemon = Slipway.Supervisor.Tests.Compat.Daemon;

namespace Slipway.Supervisor.Tests.Extras;

public sealed class SyslogForwardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<string> Split(params string[] chunks)
    {
        var splitter = new LineSplitter(maxLine: 8);
        var lines = new List<string>();
        foreach (var c in chunks)
        {
            splitter.Feed(Encoding.UTF8.GetBytes(c), l => lines.Add(Encoding.UTF8.GetString(l)));
        }

        return lines;
    }

    [Fact]
    public void Lines_are_cut_at_lf_across_reads_crlf_trimmed_and_long_lines_split()
    {
        Split("one\ntw", "o\r\n", "\nthree").ShouldBe(["one", "two", ""]);
        Split("0123456789abc\n").ShouldBe(["01234567", "89abc"]);
        Split("01234567\nx\n").ShouldBe(["01234567", "x"]);
    }

    [Fact]
    public void A_frame_is_octet_counted_rfc5424_that_the_log_server_parses()
    {
        var at = new DateTimeOffset(2026, 11, 27, 8, 0, 0, 123, TimeSpan.Zero);
        var frame = SyslogForwarder.Frame("web1", "web:web_0", 4321, stderr: true, "boom ünïcode"u8, at);
        var text = Encoding.UTF8.GetString(frame);
        text.ShouldBe($"{Encoding.UTF8.GetByteCount(text[(text.IndexOf(' ', StringComparison.Ordinal) + 1)..])} <11>1 2026-11-27T08:00:00.123Z web1 web:web_0 4321 stderr - boom ünïcode");
        var events = Decode(frame);
        events.Count.ShouldBe(1);
        var e = events[0];
        (e.Host, e.Program, e.ProcId, e.MsgId, e.Message, e.Severity).ShouldBe(("web1", "web:web_0", "4321", "stderr", "boom ünïcode", 3));
        e.ReportedAt.ShouldBe(at);
        SyslogForwarder.Field("a b\tc", 48).ShouldBe("abc");
        SyslogForwarder.Field("", 48).ShouldBe("-");
    }

    private static List<Slipway.Logs.Model.LogEvent> Decode(byte[] stream)
    {
        var decoder = new SyslogFrameDecoder();
        var parser = new SyslogParser(TimeZoneInfo.Utc);
        var events = new List<Slipway.Logs.Model.LogEvent>();
        decoder.Feed(stream, (f, truncated) => events.Add(parser.Parse(f, DateTimeOffset.UtcNow, "", truncated)));
        return events;
    }

    [Fact]
    public void A_full_buffer_drops_and_counts_without_blocking()
    {
        var port = TestDaemon.FreePort(); // nothing listens: the sender keeps retrying
        using var f = new SyslogForwarder("127.0.0.1", port, "h", capacity: 5);
        for (var i = 0; i < 20; i++)
        {
            f.Enqueue(f.Source("app", 1, false), "x"u8, DateTimeOffset.UtcNow);
        }

        f.Dropped.ShouldBe(15);
        f.Sent.ShouldBe(0);
    }

    [Fact]
    public async Task Every_line_a_program_writes_reaches_the_log_server_with_host_program_and_pid()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = new List<byte>();
        var reader = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(Ct);
            var buffer = new byte[65536];
            int n;
            while ((n = await client.GetStream().ReadAsync(buffer, Ct)) > 0)
            {
                lock (received)
                {
                    received.AddRange(buffer.AsSpan(0, n));
                }
            }
        }, Ct);

        await using var d = await TestDaemon.StartAsync(TestDaemon.Slipway, $"""
            [supervisord]
            syslog_forward=tcp://127.0.0.1:{port}

            [program:talker]
            command=/bin/sh -c 'for i in $(seq 1 500); do echo "line $i"; done; echo "oops" >&2; exec sleep 1300'
            startsecs=0

            [program:quiet]
            command=/bin/sh -c 'echo "not forwarded"; exec sleep 1301'
            startsecs=0
            syslog_forward=none

            """, Ct);
        await d.WaitForAsync("talker", "RUNNING", Ct);
        var pid = (await d.CtlAsync(Ct, "pid", "talker")).Output.Trim();
        List<Slipway.Logs.Model.LogEvent> events = [];
        (await Eventually.ForAsync(() =>
        {
            lock (received)
            {
                events = Decode(received.ToArray());
            }

            return Task.FromResult(events.Count >= 501);
        }, TimeSpan.FromSeconds(20), Ct)).ShouldBeTrue($"only {events.Count} events arrived");

        var stdout = events.Where(e => e.MsgId == "stdout").ToList();
        stdout.Select(e => e.Message).ShouldBe(Enumerable.Range(1, 500).Select(i => $"line {i}"));
        stdout.ShouldAllBe(e => e.Program == "talker" && e.ProcId == pid && e.Host == Dns.GetHostName() && e.Severity == 6);
        events.Single(e => e.MsgId == "stderr").Message.ShouldBe("oops");
        events.ShouldNotContain(e => e.Message == "not forwarded");
        (await File.ReadAllTextAsync(Path.Combine(d.Dir.Path, "supervisord.log"), Ct)).ShouldContain($"forwarding program output to syslog server 127.0.0.1:{port}");

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{d.Port}/metrics", Ct);
        metrics.ShouldContain("supervisor_log_forward_dropped_total 0\n");
        metrics.ShouldContain("supervisor_log_forward_lines_total 501\n");
        listener.Stop();
        _ = reader;
    }
}
