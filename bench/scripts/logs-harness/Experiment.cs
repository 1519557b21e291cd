using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Slipway.Logs.Bench;

/// <summary>Schema variants of the SQLite store, written the way the store writes (positional binds, one FTS statement per batch).</summary>
internal static class Experiment
{
    public static void Run(string path, long n, string fts, string[] indexes, string pragmas, int batchSize)
    {
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(f);
        }

        using var c = new SqliteConnection("Data Source=" + path);
        c.Open();
        Exec(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + pragmas);
        Exec(c, """
            CREATE TABLE log_events (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, reported_at INTEGER, facility INTEGER NOT NULL,
              severity INTEGER NOT NULL, host TEXT NOT NULL, program TEXT NOT NULL, procid TEXT NOT NULL, msgid TEXT NOT NULL, sd TEXT NOT NULL,
              message TEXT NOT NULL, flags INTEGER NOT NULL, fingerprint TEXT)
            """);
        foreach (var ix in indexes)
        {
            Exec(c, ix);
        }

        var split = fts == "split";
        Thread? ftsThread = null;
        var queue = new System.Collections.Concurrent.BlockingCollection<(long First, string[] Messages)>(4);
        if (split)
        {
            foreach (var f in new[] { path + "-fts", path + "-fts-wal", path + "-fts-shm" })
            {
                File.Delete(f);
            }

            var fc = new SqliteConnection("Data Source=" + path + "-fts");
            fc.Open();
            Exec(fc, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + pragmas);
            Exec(fc, "CREATE VIRTUAL TABLE log_events_fts USING fts5 (message, content='', columnsize=0)");
            ftsThread = new Thread(() =>
            {
                var fdb = fc.Handle!;
                foreach (var (first, messages) in queue.GetConsumingEnumerable())
                {
                    using var ftx = fc.BeginTransaction();
                    raw.sqlite3_prepare_v2(fdb, "INSERT INTO log_events_fts (rowid, message) VALUES (?1, ?2)", out var fins);
                    using (fins)
                    {
                        for (var k = 0; k < messages.Length; k++)
                        {
                            raw.sqlite3_bind_int64(fins, 1, first + k);
                            raw.sqlite3_bind_text(fins, 2, messages[k]);
                            raw.sqlite3_step(fins);
                            raw.sqlite3_reset(fins);
                        }
                    }

                    ftx.Commit();
                }

                fc.Dispose();
            });
            ftsThread.Start();
            fts = "";
        }

        if (fts.Length > 0)
        {
            Exec(c, $"CREATE VIRTUAL TABLE log_events_fts USING fts5 (message, content='log_events', content_rowid='id'{fts})");
            foreach (var setting in (Environment.GetEnvironmentVariable("FTS_CONFIG") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = setting.Split('=');
                Exec(c, $"INSERT INTO log_events_fts (log_events_fts, rank) VALUES ('{kv[0]}', {kv[1]})");
            }
        }

        string[] words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];
        var db = c.Handle!;
        var inv = CultureInfo.InvariantCulture;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (long start = 0; start < n; start += batchSize)
        {
            using var tx = c.BeginTransaction();
            var msgs = new string[Math.Min(n, start + batchSize) - start];
            raw.sqlite3_prepare_v2(db, "INSERT INTO log_events VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)", out var ins);
            using (ins)
            {
                for (var i = start; i < Math.Min(n, start + batchSize); i++)
                {
                    raw.sqlite3_bind_int64(ins, 1, i + 1);
                    raw.sqlite3_bind_int64(ins, 2, t0 + i);
                    raw.sqlite3_bind_int64(ins, 3, t0 + i);
                    raw.sqlite3_bind_int(ins, 4, 16);
                    raw.sqlite3_bind_int(ins, 5, (int)(i % 8));
                    raw.sqlite3_bind_text(ins, 6, "web" + (i % 20).ToString(inv));
                    raw.sqlite3_bind_text(ins, 7, "app" + (i % 7).ToString(inv));
                    raw.sqlite3_bind_text(ins, 8, (1000 + (i % 50)).ToString(inv));
                    raw.sqlite3_bind_text(ins, 9, "");
                    raw.sqlite3_bind_text(ins, 10, "");
                    var msg = string.Create(inv, $"request {i} {words[i % 10]} {words[i / 10 % 10]} took {i % 997} ms");
                    msgs[i - start] = msg;
                    raw.sqlite3_bind_text(ins, 11, msg);
                    raw.sqlite3_bind_int(ins, 12, 0);
                    raw.sqlite3_bind_null(ins, 13);
                    if (raw.sqlite3_step(ins) != raw.SQLITE_DONE)
                    {
                        throw new InvalidOperationException(raw.sqlite3_errmsg(db).utf8_to_string());
                    }

                    raw.sqlite3_reset(ins);
                }
            }

            if (fts.Length > 0)
            {
                Exec(c, "INSERT INTO log_events_fts (rowid, message) SELECT id, message FROM log_events WHERE id > " + start.ToString(inv), tx);
            }

            tx.Commit();
            if (split)
            {
                queue.Add((start + 1, msgs));
            }
        }

        queue.CompleteAdding();
        ftsThread?.Join();

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        Console.WriteLine(string.Create(inv, $"{n / sw.Elapsed.TotalSeconds,9:N0}/s wall {n / cpu.TotalSeconds,9:N0}/CPU-s  fts=[{fts}] ix={indexes.Length} {pragmas} {Environment.GetEnvironmentVariable("FTS_CONFIG")}"));
    }

    private static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
#pragma warning disable CA2100
        cmd.CommandText = sql;
#pragma warning restore CA2100
        cmd.Transaction = tx;
        cmd.ExecuteNonQuery();
    }
}
