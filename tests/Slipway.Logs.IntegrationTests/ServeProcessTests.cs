using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary><c>slipway logs serve</c> as a real process: SIGTERM during a flood writes everything received.</summary>
public sealed class ServeProcessTests
{
    private static string SlipwayDll => Path.Combine(AppContext.BaseDirectory, "slipway.dll");

    [Fact]
    public async Task Sigterm_during_a_tcp_flood_writes_every_event_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        var port = ServerProcess.FreeTcpPort();
        var log = dir.File("serve.log");
        using var serve = ServerProcess.Start("dotnet", [SlipwayDll, "logs", "serve", "--db", db, "--syslog-tcp", $"127.0.0.1:{port}"], log);
        await ServerProcess.WaitForPortAsync(port, serve, log, ct);

        // Send 50,000 complete frames, then SIGTERM while the server is still busy writing them.
        const int Count = 50_000;
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", port, ct);
            var stream = client.GetStream();
            var sb = new StringBuilder();
            for (var i = 0; i < Count; i++)
            {
                var msg = $"<14>1 2026-03-10T12:00:00Z web1 flood - - - event {i}";
                sb.Append(Encoding.UTF8.GetByteCount(msg)).Append(' ').Append(msg);
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
            await stream.FlushAsync(ct);
        }

        // The connection is closed by us; everything sent is in the kernel buffer or read. Now ask the server to stop.
        await ProcessTools.RunAsync("kill", ["-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await serve.WaitForExitAsync(timeout.Token);
        serve.ExitCode.ShouldBe(0, ServerProcess.SafeRead(log));
        var output = ServerProcess.SafeRead(log);
        output.ShouldContain("stopping: draining the queue...");

        await using var store = LogStoreFactory.Open(db);
        var stored = await store.QueryAsync(new LogQuery { Program = "flood", Limit = 10_000 }, ct);
        var written = long.Parse(System.Text.RegularExpressions.Regex.Match(output, @"stopped: (\d+) events written").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        written.ShouldBeGreaterThan(0);

        // Everything the server reported as received is in the database: count all rows.
        var all = 0L;
        long? before = null;
        while (true)
        {
            var page = await store.QueryAsync(new LogQuery { Limit = 10_000, BeforeId = before }, ct);
            if (page.Count == 0)
            {
                break;
            }

            all += page.Count;
            before = page[^1].Id;
        }

        all.ShouldBe(written);
        all.ShouldBe(Count); // the sender had closed its side: the server read it to the end before stopping
        stored[0].Event.Message.ShouldStartWith("event ");
    }

    [Fact]
    public async Task Kill_9_during_an_http_flood_loses_no_acknowledged_event()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        var port = ServerProcess.FreeTcpPort();
        var log = dir.File("serve.log");
        using var serve = ServerProcess.Start("dotnet", [SlipwayDll, "logs", "serve", "--db", db, "--http", $"127.0.0.1:{port}"], log);
        await ServerProcess.WaitForPortAsync(port, serve, log, ct);

        // Four clients post 200-event batches until the server dies; a batch counts as acknowledged only on 202.
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        async Task PostUntilDeadAsync(int client)
        {
            for (var batch = 0; ; batch++)
            {
                var ids = Enumerable.Range(0, 200).Select(i => $"ack-{client}-{batch}-{i}").ToList();
                var body = string.Concat(ids.Select(id => $"{{\"message\":\"{id}\",\"host\":\"c{client}\",\"program\":\"acked\"}}\n"));
                try
                {
                    using var reply = await http.PostAsync(new Uri("/api/logs", UriKind.Relative), new StringContent(body), ct);
                    if (reply.StatusCode != System.Net.HttpStatusCode.Accepted)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the server is gone
                }

                foreach (var id in ids)
                {
                    acknowledged.Add(id);
                }
            }
        }

        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(() => PostUntilDeadAsync(c), ct)).ToList();
        (await Eventually.ForAsync(() => acknowledged.Count >= 4_000, TimeSpan.FromSeconds(60), ct)).ShouldBeTrue(ServerProcess.SafeRead(log));
        await ProcessTools.RunAsync("kill", ["-KILL", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct);
        await Task.WhenAll(clients);

        await using var store = LogStoreFactory.Open(db);
        var stored = new HashSet<string>(StringComparer.Ordinal);
        long? before = null;
        while (true)
        {
            var page = await store.QueryAsync(new LogQuery { Program = "acked", Limit = 10_000, BeforeId = before }, ct);
            if (page.Count == 0)
            {
                break;
            }

            stored.UnionWith(page.Select(p => p.Event.Message));
            before = page[^1].Id;
        }

        var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
        lost.ShouldBeEmpty($"{lost.Count} of {acknowledged.Count} acknowledged events are missing (stored: {stored.Count})");
        stored.Count.ShouldBeGreaterThanOrEqualTo(acknowledged.Count);
    }

    [Fact]
    public async Task Ten_thousand_concurrent_connections_are_all_stored_and_the_server_stays_responsive()
    {
        var ct = TestContext.Current.CancellationToken;
        const int Clients = 10_000;

        // 10,000 client sockets here plus the server's end in its own process: raise this process's limit as the server does.
        var limit = Slipway.Logs.Server.FileLimit.RaiseToHardLimit();
        if (limit is < Clients + 1000 && Slipway.Core.Posix.ResourceLimit.TrySet(Slipway.Core.Posix.ResourceLimit.Nofile, 20_000, 20_000))
        {
            limit = 20_000; // root may raise its hard limit too (CAP_SYS_RESOURCE)
        }

        // A hard limit too low to raise is a broken prerequisite: skipped locally, a failure under CI=true.
        Requires.Check(limit >= Clients + 1000,
            $"open-files hard limit {limit} is below {Clients + 1000}. Fix: ulimit -Hn 20000 (or LimitNOFILE= for the CI runner)",
            Environment.GetEnvironmentVariable("CI"));
        using var dir = new TempDir();
        var db = dir.File("logs.db");
        var tcp = ServerProcess.FreeTcpPort();
        var http = ServerProcess.FreeTcpPort();
        var log = dir.File("serve.log");
        using var serve = ServerProcess.Start("dotnet",
            [SlipwayDll, "logs", "serve", "--db", db, "--syslog-tcp", $"127.0.0.1:{tcp}", "--http", $"127.0.0.1:{http}"], log);
        await ServerProcess.WaitForPortAsync(http, serve, log, ct);
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(30) };
        async Task<long> MetricAsync(string name)
        {
            var text = await web.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
            var line = text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return long.Parse(line[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }

        // All connected at once (in waves, so the listen backlog is never the limit), each sends one message, all stay open.
        var clients = new List<TcpClient>(Clients);
        try
        {
            for (var wave = 0; wave < Clients; wave += 1000)
            {
                var connected = await Task.WhenAll(Enumerable.Range(wave, 1000).Select(async i =>
                {
                    var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, tcp, ct);
                    return client;
                }));
                clients.AddRange(connected);
            }

            await Task.WhenAll(clients.Select((c, i) =>
                c.GetStream().WriteAsync(Encoding.UTF8.GetBytes($"<14>1 - h{i % 50} many - - - client {i}\n"), ct).AsTask()));

            (await Eventually.ForAsync(async () => await MetricAsync("slipway_logs_tcp_connections") == Clients, TimeSpan.FromSeconds(60), ct))
                .ShouldBeTrue("the server should hold all connections open");
            (await Eventually.ForAsync(async () => await MetricAsync("slipway_logs_written_total") == Clients, TimeSpan.FromSeconds(60), ct))
                .ShouldBeTrue(ServerProcess.SafeRead(log));

            // Responsive while all of them are open: a new sender's line is stored and the browser answers, promptly.
            var started = System.Diagnostics.Stopwatch.StartNew();
            using (var late = new TcpClient())
            {
                await late.ConnectAsync(IPAddress.Loopback, tcp, ct);
                await late.GetStream().WriteAsync("<14>1 - late probe - - - still here\n"u8.ToArray(), ct);
            }

            (await Eventually.ForAsync(async () => await MetricAsync("slipway_logs_written_total") == Clients + 1, TimeSpan.FromSeconds(10), ct))
                .ShouldBeTrue();
            started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }

        await ServerProcess.StopAsync(serve, TimeSpan.FromSeconds(30));
        await using var store = LogStoreFactory.Open(db);
        var stored = await store.QueryAsync(new LogQuery { Program = "many", Limit = Clients + 10 }, ct);
        stored.Select(e => e.Event.Message).Distinct().Count().ShouldBe(Clients);
    }
}
