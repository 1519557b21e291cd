using System.Net;
using System.Net.Sockets;
using System.Text;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Server;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

public sealed class DatabaseOutageTests
{
    private static async Task SendAsync(IPEndPoint endpoint, int from, int count, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint, ct);
        var sb = new StringBuilder();
        for (var i = from; i < from + count; i++)
        {
            sb.Append(CultureInfoFree($"<14>1 2026-03-10T12:00:00Z web1 outage - - - event {i}\n"));
        }

        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()), ct);
    }

    private static string CultureInfoFree(FormattableString s) => FormattableString.Invariant(s);

    [Fact(Timeout = 180_000)]
    public async Task Events_spool_while_MariaDB_is_down_and_replay_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await MariaDbServer.StartAsync(ct);
        await db.CreateDatabaseAsync("logs", ct);
        await SpoolAndReplayAsync(db.Url("logs"), db.StopAsync, () => db.RestartAsync(ct), ct);
    }

    [Fact(Timeout = 180_000)]
    public async Task Events_spool_while_PostgreSQL_is_down_and_replay_when_it_is_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await PostgresServer.StartAsync(ct);
        await db.CreateDatabaseAsync("logs", ct);
        await SpoolAndReplayAsync(db.Url("logs"), db.StopAsync, () => db.RestartAsync(ct), ct);
    }

    /// <summary>1,000 events written, the server stopped, 1,000 more spooled, the server back: all 2,000 stored once.</summary>
    private static async Task SpoolAndReplayAsync(string url, Func<Task> stop, Func<Task> restart, CancellationToken ct)
    {
        using var dir = new TempDir();
        await using var server = new LogServer(new LogServerOptions
        {
            Database = url, SyslogTcp = new IPEndPoint(IPAddress.Loopback, 0), SpoolPath = dir.File("spool.jsonl"),
        });
        await server.StartAsync(ct);

        await SendAsync(server.TcpEndPoint!, 0, 1000, ct);
        (await Eventually.ForAsync(() => server.Metrics.Written == 1000, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();

        await stop();
        await SendAsync(server.TcpEndPoint!, 1000, 1000, ct);
        (await Eventually.ForAsync(() => server.Metrics.Spooled == 1000, TimeSpan.FromSeconds(30), ct))
            .ShouldBeTrue($"spooled {server.Metrics.Spooled}, written {server.Metrics.Written}");
        server.Metrics.WriteErrors.ShouldBeGreaterThan(0);
        File.Exists(dir.File("spool.jsonl")).ShouldBeTrue();

        await restart();
        (await Eventually.ForAsync(() => server.Metrics.Written == 2000, TimeSpan.FromSeconds(30), ct))
            .ShouldBeTrue($"written {server.Metrics.Written}");

        var ids = new HashSet<string>();
        var rows = 0;
        long? before = null;
        while (true)
        {
            var page = await server.Store.QueryAsync(new LogQuery { Program = "outage", Limit = 500, BeforeId = before }, ct);
            if (page.Count == 0)
            {
                break;
            }

            foreach (var e in page)
            {
                ids.Add(e.Event.Message);
                rows++;
            }

            before = page[^1].Id;
        }

        ids.Count.ShouldBe(2000);
        rows.ShouldBe(2000); // none lost, none twice
        File.Exists(dir.File("spool.jsonl")).ShouldBeFalse();
    }
}
