using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Slipway.Build.Store;

namespace Slipway.Build.Caching;

/// <summary>
/// A shortcut for the expensive digests a plan needs (tool binaries, patches, the files of local sources) and for the
/// commits that git objects peel to, kept in <c>.slipway/build/digests</c>. Keys stay content hashes: an entry only
/// says "this file, with exactly this size, inode, modification and change time (ns), hashed to this", and a file whose
/// stamp differs in any of them is hashed again. A file that changed less than <see cref="RacyWindow"/> before it was
/// hashed is not remembered (it could change again within the file system's timestamp granularity and keep its stamp,
/// git's "racily clean" case). Deleting the file loses nothing but time. Thread-safe.
/// </summary>
internal sealed class DigestCache
{
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);
    private const string Header = "slipway-digests-v1";

    private readonly string? _file;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (FileStamp Stamp, string Sha256)> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _peeled = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _used = new(StringComparer.Ordinal);

    /// <summary>Past this many files, a save keeps only those this run looked at (deleted checkouts do not pile up).</summary>
    private const int MaxFiles = 100_000;
    private int _dirty;
    private int _hashed;

    private DigestCache(string? file, TimeProvider time)
    {
        _file = file;
        _time = time;
    }

    /// <summary>Files actually read and hashed by this instance (what the cache saved shows as a low number).</summary>
    public int Hashed => _hashed;

    /// <summary>A cache that remembers nothing between runs.</summary>
    public static DigestCache InMemory(TimeProvider? time = null) => new(null, time ?? TimeProvider.System);

    /// <summary>The cache kept in <paramref name="file"/>; a missing, foreign or damaged file starts empty.</summary>
    public static DigestCache Load(string file, TimeProvider? time = null)
    {
        var cache = new DigestCache(file, time ?? TimeProvider.System);
        try
        {
            using var reader = new StreamReader(file, Encoding.UTF8);
            if (reader.ReadLine() != Header)
            {
                return cache;
            }

            while (reader.ReadLine() is { } line)
            {
                cache.Parse(line);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No cache yet, or unreadable: every digest is computed.
        }

        return cache;
    }

    private void Parse(string line)
    {
        var f = line.Split('\t');
        if (f is ["p", var obj, var commit])
        {
            _peeled[obj] = commit;
        }
        else if (f.Length == 8 && f[0] == "f" && long.TryParse(f[2], CultureInfo.InvariantCulture, out var size)
                 && long.TryParse(f[3], CultureInfo.InvariantCulture, out var modified)
                 && long.TryParse(f[4], CultureInfo.InvariantCulture, out var changed)
                 && ulong.TryParse(f[5], CultureInfo.InvariantCulture, out var inode)
                 && ulong.TryParse(f[6], CultureInfo.InvariantCulture, out var device))
        {
            _files[f[7]] = (new FileStamp(size, modified, changed, inode, device), f[1]);
        }
    }

    /// <summary>The SHA-256 of <paramref name="path"/>'s bytes (lower-case hex), from the cache when its stamp is unchanged.</summary>
    public async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        _used.TryAdd(full, 0);
        var before = FileStamp.Of(full) ?? throw new FileNotFoundException($"{full} does not exist", full);
        if (_files.TryGetValue(full, out var known) && known.Stamp == before)
        {
            return known.Sha256;
        }

        var sha = await FileHashing.Sha256Async(full, ct);
        Interlocked.Increment(ref _hashed);
        // Remembered only when the file did not change while it was read, and not just before (racy window).
        var now = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        if (FileStamp.Of(full) == before && now - before.LatestNs > RacyWindow.Ticks * 100)
        {
            _files[full] = (before, sha);
            Interlocked.Exchange(ref _dirty, 1);
        }
        else
        {
            _files.TryRemove(full, out _);
        }

        return sha;
    }

    /// <summary>The commit a git object (a tag or a commit, by its id) peels to, when known: ids name content, so it never changes.</summary>
    public string? Peeled(string objectId) => _peeled.GetValueOrDefault(objectId);

    public void RememberPeeled(string objectId, string commit)
    {
        if (_peeled.TryGetValue(objectId, out var known) && known == commit)
        {
            return;
        }

        _peeled[objectId] = commit;
        Interlocked.Exchange(ref _dirty, 1);
    }

    /// <summary>Writes the cache back when something new was learnt (a temporary file renamed over the old one).</summary>
    public void Save()
    {
        if (_file is null || Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        var text = new StringBuilder(Header).Append('\n');
        foreach (var (obj, commit) in _peeled)
        {
            text.Append("p\t").Append(obj).Append('\t').Append(commit).Append('\n');
        }

        var trim = _files.Count > MaxFiles;
        foreach (var (path, (s, sha)) in _files)
        {
            if ((trim && !_used.ContainsKey(path)) || path.Contains('\n', StringComparison.Ordinal) || path.Contains('\t', StringComparison.Ordinal))
            {
                continue;
            }

            text.Append(CultureInfo.InvariantCulture, $"f\t{sha}\t{s.Size}\t{s.ModifiedNs}\t{s.ChangedNs}\t{s.Inode}\t{s.Device}\t{path}\n");
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
            var temp = $"{_file}.{Environment.ProcessId}-{Guid.NewGuid():N}";
            try
            {
                File.WriteAllText(temp, text.ToString());
                File.Move(temp, _file, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written costs the next run some hashing, nothing else.
        }
    }
}
