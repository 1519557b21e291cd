using System.Diagnostics;

namespace Slipway.Testing;

/// <summary>Small process helpers for fixtures: run a tool to completion, find a process's descendants.</summary>
public static class ProcessTools
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string file, IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = await StartAsync(psi, ct);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts a process, retrying while the kernel answers ETXTBSY. A file a test has just written (an unpacked
    /// artifact's binary) stays "busy" while any process forked by another test thread in between still holds
    /// the inherited write descriptor; that lasts until the child's exec closes it, a few milliseconds at most.
    /// </summary>
    public static async Task<Process> StartAsync(ProcessStartInfo psi, CancellationToken ct)
    {
        const int TextFileBusy = 26;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Process.Start(psi)!;
            }
            catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode == TextFileBusy && attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt), ct);
            }
        }
    }

    /// <summary>All descendants of <paramref name="pid"/>, found through the parent pid in /proc/*/stat.</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child))
            {
                continue;
            }

            try
            {
                // Format: "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[child] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The process exited while we looked.
            }
        }

        var result = new List<int>();
        var queue = new Queue<int>([pid]);
        while (queue.TryDequeue(out var current))
        {
            foreach (var (child, parent) in parents)
            {
                if (parent == current)
                {
                    result.Add(child);
                    queue.Enqueue(child);
                }
            }
        }

        return result;
    }

    /// <summary>The process's argv joined by spaces, or "" when it is gone or not ours to read.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Every process on the machine whose command line satisfies <paramref name="match"/>.</summary>
    public static IReadOnlyList<int> WithCommandLine(Func<string, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && match(CommandLine(pid)))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    public static void KillQuietly(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
