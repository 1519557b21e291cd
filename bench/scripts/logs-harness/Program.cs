using System.Diagnostics;
using System.Globalization;
using System.Text;
using Slipway.Logs.Model;
using Slipway.Logs.Parsing;
using Slipway.Logs.Storage;

// logs-harness store N DB [BATCH]   write N synthetic events through the store's batch path (the writer's only path)
// logs-harness parse N              frame decoder + parser over N octet-counted RFC 5424 frames
// logs-harness query DB [REPEAT]    the bench's filtered text searches in-process, median ms
// logs-harness exp N VARIANT [PRAGMAS] [BATCH]   SQLite schema variants on the store's write path (base, cs0, none,
//                                   col, norecv, nosev, noix, nofts, bare: see below), events/s and per CPU-second
var inv = CultureInfo.InvariantCulture;
string[] words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
switch (args[0])
{
    case "store":
    {
        var n = long.Parse(args[1], inv);
        var batchSize = args.Length > 3 ? int.Parse(args[3], inv) : 5_000;
        await using var store = LogStoreFactory.Open(args[2]);
        await store.MigrateAsync(CancellationToken.None);
        var start = DateTimeOffset.UtcNow - TimeSpan.FromDays(7);
        var step = TimeSpan.FromDays(7).Ticks / Math.Max(n, 1);
        var batch = new List<LogEvent>(batchSize);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var inStore = TimeSpan.Zero;
        for (long i = 0; i < n; i++)
        {
            batch.Add(Event(i, start + TimeSpan.FromTicks(step * i)));
            if (batch.Count == batchSize || i == n - 1)
            {
                var t = Stopwatch.GetTimestamp();
                await store.WriteAsync(batch, CancellationToken.None);
                inStore += Stopwatch.GetElapsedTime(t);
                batch.Clear();
            }

            if (i > 0 && i % 1_000_000 == 0)
            {
                Console.Error.WriteLine($"  {i:N0} events, {i / wall.Elapsed.TotalSeconds:N0}/s");
            }
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        Console.WriteLine(string.Create(inv,
            $"store {store.Kind}: {n:N0} events in {wall.Elapsed.TotalSeconds:F1} s: {n / inStore.TotalSeconds:N0} events/s in WriteAsync, {n / cpu.TotalSeconds:N0} per CPU-second (whole process)"));
        break;
    }

    case "parse":
    {
        var n = int.Parse(args[1], inv);
        var stream = new MemoryStream();
        for (var i = 0; i < n; i++)
        {
            var msg = Encoding.UTF8.GetBytes(Frame(i));
            stream.Write(Encoding.ASCII.GetBytes(msg.Length.ToString(inv) + " "));
            stream.Write(msg);
        }

        var data = stream.ToArray();
        var parser = new SyslogParser(TimeZoneInfo.Utc);
        var decoder = new SyslogFrameDecoder();
        var count = 0;
        var now = DateTimeOffset.UtcNow;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (var off = 0; off < data.Length; off += 16 * 1024)
        {
            decoder.Feed(data.AsSpan(off, Math.Min(16 * 1024, data.Length - off)), (f, tr) =>
            {
                _ = parser.Parse(f, now, "127.0.0.1", tr);
                count++;
            });
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        Console.WriteLine(string.Create(inv, $"decode+parse: {count:N0} frames, {count / sw.Elapsed.TotalSeconds:N0}/s, {count / cpu.TotalSeconds:N0} per CPU-second"));
        break;
    }

    case "query":
    {
        // The bench's searches, in-process (what the web page costs, without HTTP): 5 word sets x 2 hosts, newest 50.
        var repeat = args.Length > 2 ? int.Parse(args[2], inv) : 1;
        await using var store = LogStoreFactory.Open(args[1]);
        async Task<(double Ms, int Rows)> TimeAsync(LogQuery q)
        {
            var sw = Stopwatch.StartNew();
            var rows = await store.QueryAsync(q, CancellationToken.None);
            return (sw.Elapsed.TotalMilliseconds, rows.Count);
        }

        _ = await TimeAsync(new LogQuery { Limit = 1 }); // open the pool
        var times = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            foreach (var text in (string[])["alpha bravo", "charlie", "juliet india", "delta golf", "hotel"])
            {
                foreach (var host in (string[])["web3", "web7"])
                {
                    var (ms, rows) = await TimeAsync(new LogQuery { Host = host, Text = text, Limit = 50 });
                    times.Add(ms);
                    if (rows < 50)
                    {
                        Console.Error.WriteLine($"  only {rows} rows for {host} / {text}");
                    }
                }
            }
        }

        times.Sort();
        var since = await TimeAsync(new LogQuery { Host = "web3", Text = "charlie", Since = DateTimeOffset.UtcNow - TimeSpan.FromHours(1), Limit = 50 });
        var worst = await TimeAsync(new LogQuery { Host = "rare1", Text = "hotel", Limit = 50 });
        var severity = await TimeAsync(new LogQuery { MaxSeverity = 3, Host = "web5", Limit = 100 });
        Console.WriteLine(string.Create(inv,
            $"in-process QueryAsync, host + text, newest 50: median {times[times.Count / 2]:F1} ms, max {times[^1]:F1} ms ({times.Count} queries)"));
        Console.WriteLine(string.Create(inv,
            $"  + since 1h: {since.Ms:F1} ms; host+severity page of 100: {severity.Ms:F1} ms; worst case (a host with 1 in 100,000 events + a word in 1 in 10, {worst.Rows} rows: every match checked): {worst.Ms:F0} ms"));
        break;
    }

    case "exp":
    {
        var n = long.Parse(args[1], inv);
        string[] all =
        [
            "CREATE INDEX log_events_received ON log_events (received_at)",
            "CREATE INDEX log_events_host ON log_events (host, id)",
            "CREATE INDEX log_events_program ON log_events (program, id)",
            "CREATE INDEX log_events_severity ON log_events (severity, id)",
            "CREATE INDEX log_events_fingerprint ON log_events (fingerprint, id) WHERE fingerprint IS NOT NULL",
        ];
        var variant = args[2];
        var pragmas = args.Length > 3 ? args[3] : "";
        var batch = args.Length > 4 ? int.Parse(args[4], inv) : 5000;
        var (fts, ix) = variant switch
        {
            "base" => ("", all),
            "cs0" => (", columnsize=0", all),
            "none" => (", columnsize=0, detail=none", all),
            "col" => (", columnsize=0, detail=column", all),
            "noix" => (", columnsize=0", all[4..]),
            "nofts" => ("", all),
            "bare" => ("", Array.Empty<string>()),
            "norecv" => (", columnsize=0", all[1..]),
            "nosev" => (", columnsize=0", all.Where(x => !x.Contains("severity", StringComparison.Ordinal)).ToArray()),
            "cur" => (", columnsize=0", all[1..3].Append(all[4]).ToArray()),
            "curnofts" => ("", all[1..3].Append(all[4]).ToArray()),
            "split" => ("split", all[1..3].Append(all[4]).ToArray()),
            _ => throw new ArgumentException(variant),
        };
        if (variant == "base")
        {
            fts = " ";
        }

        Slipway.Logs.Bench.Experiment.Run("/tmp/slipway-exp.db", n, fts, ix, pragmas, batch);
        break;
    }

    default:
        Console.Error.WriteLine("usage: logs-harness store N DB [BATCH] | parse N | query DB [REPEAT] | exp N VARIANT [PRAGMAS] [BATCH]");
        return 2;
}

return 0;

// Hosts scattered independently of the words (a multiplicative hash), as bench/scripts/logs-send.py does.
static long HostOf(long i) => (((i * 2654435761L) & 0xffffffffL) >> 8) % 20;

string Frame(long i) => string.Create(inv,
    $"<{(8 * 16) + (i % 8)}>1 2026-03-10T12:00:00.000Z web{HostOf(i)} app{i % 7} {1000 + (i % 50)} - - request {i} {words[i % 10]} {words[i / 10 % 10]} took {i % 997} ms");

LogEvent Event(long i, DateTimeOffset at) => new()
{
    ReceivedAt = at,
    ReportedAt = at,
    Facility = 16,
    Severity = (int)(i % 8),
    Host = i % 100_000 == 7 ? "rare1" : string.Create(inv, $"web{HostOf(i)}"),
    Program = string.Create(inv, $"app{i % 7}"),
    ProcId = string.Create(inv, $"{1000 + (i % 50)}"),
    Message = string.Create(inv, $"request {i} {words[i % 10]} {words[i / 10 % 10]} took {i % 997} ms"),
};
