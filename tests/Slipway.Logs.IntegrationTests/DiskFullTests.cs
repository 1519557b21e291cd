using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Slipway.Logs.Server;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// The SQLite store on a full disk, then its spool on a full disk too (two small tmpfs the test mounts, as root).
/// While the spool has room, what the database refuses is spooled; once neither can take an event, HTTP requests
/// are refused (503, the sender sends again) and syslog events are dropped, counted on /metrics and logged. Every
/// acknowledged event is in the database or the spool, the spool has no broken line, and the database passes
/// PRAGMA integrity_check.
/// </summary>
public sealed class DiskFullTests
{
    [Fact(Timeout = 180_000)]
    public async Task A_full_disk_under_the_store_and_the_spool_refuses_or_drops_with_a_count_and_never_corrupts()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        await using var dbDisk = await SmallTmpfs.MountAsync(dir.File("db"), kib: 1536, ct);
        await using var spoolDisk = await SmallTmpfs.MountAsync(dir.File("spool"), kib: 256, ct);
        var db = Path.Combine(dbDisk.Path, "logs.db");
        var spool = Path.Combine(spoolDisk.Path, "spool.jsonl");
        var said = new List<string>();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new Recording(said)).SetMinimumLevel(LogLevel.Warning));
        var acknowledged = new List<string>();
        var refused = 0;
        await using (var server = new LogServer(new LogServerOptions
        {
            Database = db, SpoolPath = spool, Http = new IPEndPoint(IPAddress.Loopback, 0), SyslogTcp = new IPEndPoint(IPAddress.Loopback, 0),
        }, loggers))
        {
            await server.StartAsync(ct);
            using var http = new HttpClient { BaseAddress = server.HttpAddress };
            var padding = new string('x', 1000);
            for (var request = 0; request < 200 && refused == 0; request++)
            {
                var messages = Enumerable.Range(0, 100).Select(i => FormattableString.Invariant($"event {request}-{i} {padding}")).ToList();
                var body = string.Concat(messages.Select(JsonLine));
                using var post = await http.PostAsync(new Uri("/api/logs", UriKind.Relative), new StringContent(body), ct);
                if (post.StatusCode == HttpStatusCode.Accepted)
                {
                    acknowledged.AddRange(messages);
                }
                else
                {
                    post.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                    (await post.Content.ReadAsStringAsync(ct)).ShouldStartWith("not stored: ");
                    refused++;
                }
            }

            refused.ShouldBe(1, "once both disks are full, a request is refused rather than acknowledged");
            server.Metrics.WriteErrors.ShouldBeGreaterThan(0);
            server.Metrics.Spooled.ShouldBeGreaterThan(0, "the spool took what the database refused while it had room");
            var droppedBefore = server.Metrics.Dropped;
            droppedBefore.ShouldBeGreaterThan(0, "the refused request's events were dropped and counted");
            var (written, spooledSoFar) = (server.Metrics.Written, server.Metrics.Spooled);

            // Syslog has no acknowledgement: what neither disk takes is dropped and counted.
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(server.TcpEndPoint!, ct);
                var lines = string.Concat(Enumerable.Range(0, 300).Select(i => FormattableString.Invariant($"<14>1 2026-03-10T12:00:00Z web1 full - - - syslog {i} {padding}\n")));
                await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(lines), ct);
            }

            (await Eventually.ForAsync(() => server.Metrics.Written - written + server.Metrics.Spooled - spooledSoFar + server.Metrics.Dropped - droppedBefore == 300,
                TimeSpan.FromSeconds(30), ct)).ShouldBeTrue($"every syslog event is written, spooled or counted as dropped; dropped {server.Metrics.Dropped}");
            server.Metrics.Dropped.ShouldBeGreaterThan(droppedBefore);
            var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
            metrics.ShouldContain($"\nslipway_logs_dropped_total {server.Metrics.Dropped}\n");
            lock (said)
            {
                said.ShouldContain(l => l.StartsWith("Dropped ", StringComparison.Ordinal) && l.Contains(" events: the database did not take them (", StringComparison.Ordinal)
                    && l.Contains($"and the spool {spool} could not either (", StringComparison.Ordinal));
            }
        }

        var spooled = SpooledMessages(await File.ReadAllLinesAsync(spool, ct));

        var stored = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync(ct);
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            (await check.ExecuteScalarAsync(ct)).ShouldBe("ok");
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT message FROM log_events";
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored.Add(reader.GetString(0));
            }
        }

        acknowledged.Where(m => !stored.Contains(m) && !spooled.Contains(m)).ShouldBeEmpty("every acknowledged event is in the database or the spool");
    }

    private static string JsonLine(string message) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message, ["program"] = "full" }, DiskFullJson.Default.DictionaryStringString) + "\n";

    /// <summary>The messages in the spool; every line must parse (none cut in half by the full disk).</summary>
    private static HashSet<string> SpooledMessages(string[] lines)
    {
        var messages = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            using var e = JsonDocument.Parse(line);
            messages.Add(e.RootElement.GetProperty("Message").GetString()!);
        }

        return messages;
    }

    private sealed class Recording(List<string> said) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(said);

        public void Dispose()
        {
        }

        private sealed class Logger(List<string> said) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (said)
                {
                    said.Add(formatter(state, exception));
                }
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class DiskFullJson : System.Text.Json.Serialization.JsonSerializerContext;
