using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Native;

/// <summary>
/// Finds a program's process tree in /proc for killtree: the descendants of its main process, plus any process
/// carrying its environment marker (a double-forked daemon re-parented to us or to init) and their descendants.
/// </summary>
public static class ProcessTree
{
    /// <summary>Pids in the tree of <paramref name="root"/> (0 = marker only), never <paramref name="self"/>.</summary>
    public static List<int> Members(int root, string marker, int self)
    {
        return Select(Parents(), root, self, pid => HasMarker(pid, marker));
    }

    /// <summary>The pure part: roots (the main pid and the marked processes) and all their descendants.</summary>
    public static List<int> Select(IReadOnlyDictionary<int, int> parents, int root, int self, Func<int, bool> marked)
    {
        var members = new HashSet<int>();
        var queue = new Queue<int>();
        if (root > 0)
        {
            queue.Enqueue(root);
        }

        foreach (var pid in parents.Keys)
        {
            if (pid != self && pid != root && marked(pid))
            {
                queue.Enqueue(pid);
            }
        }

        var children = parents.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.Select(p => p.Key).ToList());
        while (queue.Count > 0)
        {
            var pid = queue.Dequeue();
            if (pid == self || !members.Add(pid))
            {
                continue;
            }

            foreach (var child in children.GetValueOrDefault(pid) ?? [])
            {
                queue.Enqueue(child);
            }
        }

        return members.Order().ToList();
    }

    /// <summary>The ppid field of /proc/PID/stat (after the command name, which may contain spaces and parentheses).</summary>
    public static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return ParseParent(stat);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static int? ParseParent(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : null;
    }

    /// <summary>The process group (the pgrp field of /proc/PID/stat), or null when the process is gone.</summary>
    public static int? GroupOf(int pid) => StatField(pid, 2);

    /// <summary>True while the process exists and is not a zombie (a zombie has exited; only its parent's wait is missing).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] != 'Z' && stat[close + 2] != 'X';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int? StatField(int pid, int index)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            var fields = close < 0 ? Array.Empty<string>() : stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > index && int.TryParse(fields[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every process's pid and parent, as /proc lists them now.</summary>
    public static Dictionary<int, int> Parents()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ParentOf(pid) is { } ppid)
            {
                parents[pid] = ppid;
            }
        }

        return parents;
    }

    /// <summary>The environment a process started with (/proc/PID/environ), or null when it cannot be read.</summary>
    public static Dictionary<string, string>? EnvironmentOf(int pid)
    {
        try
        {
            return ParseEnviron(File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>NAME=VALUE entries separated by NUL; the first of a repeated name wins, as getenv(3) finds it.</summary>
    public static Dictionary<string, string> ParseEnviron(ReadOnlySpan<byte> environ)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        while (!environ.IsEmpty)
        {
            var end = environ.IndexOf((byte)0);
            var entry = end < 0 ? environ : environ[..end];
            environ = end < 0 ? ReadOnlySpan<byte>.Empty : environ[(end + 1)..];
            var eq = entry.IndexOf((byte)'=');
            if (eq > 0)
            {
                env.TryAdd(Encoding.UTF8.GetString(entry[..eq]), Encoding.UTF8.GetString(entry[(eq + 1)..]));
            }
        }

        return env;
    }

    private static bool HasMarker(int pid, string marker)
    {
        try
        {
            var environ = File.ReadAllBytes($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ");
            var needle = Encoding.UTF8.GetBytes(marker);
            var start = 0;
            for (var i = 0; i <= environ.Length; i++)
            {
                if (i == environ.Length || environ[i] == 0)
                {
                    if (environ.AsSpan(start, i - start).SequenceEqual(needle))
                    {
                        return true;
                    }

                    start = i + 1;
                }
            }

            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
