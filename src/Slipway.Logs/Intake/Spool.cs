using System.Text.Json;
using System.Text.Json.Serialization;
using Slipway.Logs.Model;
using Slipway.Logs.Storage;

namespace Slipway.Logs.Intake;

/// <summary>
/// A local JSON-lines file of events the database could not take. Appended with an fsync per batch; replayed in
/// order, in batches, once the database answers again, then removed. Survives a restart of the server.
/// </summary>
internal sealed class Spool(string path)
{
    public string Path { get; } = path;

    private string Replaying => Path + ".replaying";

    public bool HasData => File.Exists(Replaying) || (File.Exists(Path) && new FileInfo(Path).Length > 0);

    public async Task AppendAsync(IReadOnlyList<LogEvent> batch, CancellationToken ct)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        // The whole batch is made in memory and written with one unbuffered write, so a failure leaves nothing behind
        // in a buffer to be flushed again when the file is closed.
        using var lines = Lines(batch);
        await using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        var before = stream.Length;
        try
        {
            await stream.WriteAsync(lines.GetBuffer().AsMemory(0, (int)lines.Length), ct);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // A full disk: cut the half-written batch off again, or the next append would continue its broken last line
            // and the replay would skip the first event of that append along with it.
            TryCut(stream, before);
            throw;
        }
    }

    private static MemoryStream Lines(IReadOnlyList<LogEvent> batch)
    {
        var lines = new MemoryStream();
        foreach (var e in batch)
        {
            JsonSerializer.Serialize(lines, e, SpoolJsonContext.Default.LogEvent);
            lines.WriteByte((byte)'\n');
        }

        return lines;
    }

    private static void TryCut(FileStream stream, long length)
    {
        try
        {
            stream.SetLength(length);
        }
        catch (IOException)
        {
            // the replay skips a broken line; nothing more to do here
        }
    }

    /// <summary>Writes the spooled events to <paramref name="store"/>; throws (leaving the file) when the database still fails.</summary>
    public async Task<long> ReplayAsync(ILogStore store, int batchSize, CancellationToken ct)
    {
        // Work on a renamed copy so that new spooling (if this fails halfway) never mixes with a half-replayed file.
        // A replay that fails halfway is repeated whole: at least once, never lost.
        long done = 0;
        while (true)
        {
            if (File.Exists(Replaying))
            {
                done += await ReplayFileAsync(Replaying, store, batchSize, ct);
                File.Delete(Replaying);
            }
            else if (File.Exists(Path))
            {
                File.Move(Path, Replaying);
            }
            else
            {
                return done;
            }
        }
    }

    private static async Task<long> ReplayFileAsync(string replaying, ILogStore store, int batchSize, CancellationToken ct)
    {
        long done = 0;
        var batch = new List<LogEvent>(batchSize);
        using (var reader = new StreamReader(replaying))
        {
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                LogEvent? e;
                try
                {
                    e = JsonSerializer.Deserialize(line, SpoolJsonContext.Default.LogEvent);
                }
                catch (JsonException)
                {
                    continue; // a line cut by a crash mid-append
                }

                if (e is not null)
                {
                    batch.Add(e);
                }

                if (batch.Count >= batchSize)
                {
                    await store.WriteAsync(batch, ct);
                    done += batch.Count;
                    batch.Clear();
                }
            }
        }

        await store.WriteAsync(batch, ct);
        done += batch.Count;
        return done;
    }
}

[JsonSerializable(typeof(LogEvent))]
internal sealed partial class SpoolJsonContext : JsonSerializerContext;
