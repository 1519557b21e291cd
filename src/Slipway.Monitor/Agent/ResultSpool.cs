using System.Globalization;
using System.Text.Json;

namespace Slipway.Monitor.Agent;

/// <summary>A result in the spool with its sequence number (its order among everything the agent ran).</summary>
public sealed record SpooledResult(long Seq, AgentResult Result);

/// <summary>
/// The host agent's results on disk until monitor serve has taken them: one small file per result, named by a sequence
/// number that only grows, written to a temporary name, flushed and renamed, so a crash leaves whole results or none
/// and a restart sends what is left in order. Bounded: past <c>limit</c> results the oldest are deleted and counted in
/// <see cref="Dropped"/> (kept in a file too, so the count survives a restart until the server has been told).
/// Thread-safe: the scheduler's runs append while the sender reads and removes.
/// </summary>
public sealed class ResultSpool
{
    private const string Suffix = ".json";
    private readonly string _directory;
    private readonly int _limit;
    private readonly Lock _gate = new();
    private readonly Queue<long> _seqs = new();
    private readonly string _droppedFile;
    private long _next = 1;
    private long _dropped;

    private ResultSpool(string directory, int limit)
    {
        _directory = directory;
        _limit = limit;
        _droppedFile = Path.Combine(directory, "dropped");
    }

    public string Directory => _directory;

    /// <summary>Opens (creating) the spool in <paramref name="directory"/>, with what an earlier run left in it.</summary>
    public static ResultSpool Open(string directory, int limit)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        System.IO.Directory.CreateDirectory(directory);
        var spool = new ResultSpool(directory, limit);
        foreach (var leftover in System.IO.Directory.EnumerateFiles(directory, "*.tmp"))
        {
            File.Delete(leftover); // a write cut short: the result was never acknowledged to anyone.
        }

        var seqs = System.IO.Directory.EnumerateFiles(directory, "*" + Suffix)
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1)
            .Where(n => n > 0)
            .Order()
            .ToList();
        seqs.ForEach(spool._seqs.Enqueue);
        spool._next = seqs.Count == 0 ? 1 : seqs[^1] + 1;
        if (File.Exists(spool._droppedFile)
            && long.TryParse(File.ReadAllText(spool._droppedFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var dropped))
        {
            spool._dropped = dropped;
        }

        lock (spool._gate)
        {
            spool.TrimLocked();
        }

        return spool;
    }

    /// <summary>Results waiting to be sent.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _seqs.Count;
            }
        }
    }

    /// <summary>Results dropped (the oldest, the spool being full) that the server has not been told of yet.</summary>
    public long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Adds a result at the end; returns how many of the oldest were dropped to keep within the limit.</summary>
    public int Append(AgentResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(result, AgentJsonContext.Default.AgentResult);
        lock (_gate)
        {
            var seq = _next++;
            var path = PathOf(seq);
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            _seqs.Enqueue(seq);
            return TrimLocked();
        }
    }

    /// <summary>
    /// The oldest <paramref name="max"/> results, in order. A file that cannot be read back (a disk that lied) is deleted
    /// and counted as dropped rather than blocking everything behind it.
    /// </summary>
    public IReadOnlyList<SpooledResult> Peek(int max)
    {
        lock (_gate)
        {
            var result = new List<SpooledResult>();
            var broken = new List<long>();
            foreach (var seq in _seqs)
            {
                if (result.Count >= max)
                {
                    break;
                }

                try
                {
                    if (JsonSerializer.Deserialize(File.ReadAllBytes(PathOf(seq)), AgentJsonContext.Default.AgentResult) is { } r)
                    {
                        result.Add(new SpooledResult(seq, r));
                        continue;
                    }
                }
                catch (Exception e) when (e is JsonException or IOException)
                {
                }

                broken.Add(seq);
            }

            if (broken.Count > 0)
            {
                var keep = _seqs.Where(s => !broken.Contains(s)).ToList();
                _seqs.Clear();
                keep.ForEach(_seqs.Enqueue);
                broken.ForEach(s => File.Delete(PathOf(s)));
                SetDroppedLocked(_dropped + broken.Count);
            }

            return result;
        }
    }

    /// <summary>Removes every result up to and including <paramref name="seq"/> (the server has them).</summary>
    public void RemoveThrough(long seq)
    {
        lock (_gate)
        {
            while (_seqs.TryPeek(out var first) && first <= seq)
            {
                _seqs.Dequeue();
                File.Delete(PathOf(first));
            }
        }
    }

    /// <summary>The server has been told of <paramref name="count"/> dropped results.</summary>
    public void DroppedReported(long count)
    {
        lock (_gate)
        {
            SetDroppedLocked(Math.Max(0, _dropped - count));
        }
    }

    private int TrimLocked()
    {
        var dropped = 0;
        while (_seqs.Count > _limit)
        {
            File.Delete(PathOf(_seqs.Dequeue()));
            dropped++;
        }

        if (dropped > 0)
        {
            SetDroppedLocked(_dropped + dropped);
        }

        return dropped;
    }

    private void SetDroppedLocked(long value)
    {
        _dropped = value;
        if (value == 0)
        {
            File.Delete(_droppedFile);
            return;
        }

        File.WriteAllText(_droppedFile + ".tmp", value.ToString(CultureInfo.InvariantCulture));
        File.Move(_droppedFile + ".tmp", _droppedFile, overwrite: true);
    }

    private string PathOf(long seq) => Path.Combine(_directory, seq.ToString("D16", CultureInfo.InvariantCulture) + Suffix);
}
