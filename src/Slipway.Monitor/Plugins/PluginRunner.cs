using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Slipway.Core.Posix;

namespace Slipway.Monitor.Plugins;

/// <summary>
/// Runs a Nagios plugin and reads its result. The plugin gets an argv list (no shell unless asked), an empty stdin,
/// and LC_ALL=C (so its numbers use a dot). A plugin still running at the time-out is killed with its whole process
/// tree and the result is UNKNOWN, keeping what it printed so far. Only stdout is the plugin's answer; stderr is shown
/// only when stdout is empty, because a plugin that crashed usually said why there.
/// </summary>
public sealed class PluginRunner(TimeProvider? timeProvider = null)
{
    /// <summary>Output past this is read and dropped: a runaway plugin must not fill the monitor's memory.</summary>
    public const int MaxOutputChars = 64 * 1024;

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public Task<CheckResult> RunAsync(PluginCommand command, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return CapturedProcess.IsSupported ? RunSpawnedAsync(command, timeout, ct) : RunWithProcessAsync(command, timeout, ct);
    }

    /// <summary>
    /// posix_spawnp and one epoll thread for all plugins (<see cref="CapturedProcess"/>): a plugin costs a spawn and a
    /// few reads, not System.Diagnostics.Process's reader tasks and SIGCHLD handling. The plugin leads its own process
    /// group; at the time-out the whole group is killed.
    /// </summary>
    private async Task<CheckResult> RunSpawnedAsync(PluginCommand command, TimeSpan timeout, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        CapturedProcess process;
        try
        {
            process = CapturedProcess.Start(command.Argv, PluginEnvironment(command), MaxOutputBytes);
        }
        catch (Win32Exception e)
        {
            return CheckResult.Unknown($"(cannot run {command.Argv[0]}: {e.Message})", _time.GetElapsedTime(started));
        }

        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        int exitCode;
        try
        {
            exitCode = await process.Exited.WaitAsync(linked.Token);
            // A child the plugin left behind may hold stdout open; wait for it only until the deadline.
            await process.OutputClosed.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            process.KillProcessGroup();
            ct.ThrowIfCancellationRequested();
            try
            {
                await process.OutputClosed.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
            catch (TimeoutException)
            {
                // A grandchild outside the group (it called setsid) still holds the pipe: report what came so far.
            }

            return TimedOut(timeout, Cap(process.Stdout()), started);
        }

        var output = Cap(process.Stdout());
        if (output.Trim().Length == 0 && Cap(process.Stderr()) is { } stderr && stderr.Trim().Length > 0)
        {
            output = stderr;
        }

        return PluginOutputParser.Parse(exitCode, output) with { Duration = _time.GetElapsedTime(started) };
    }

    private static IEnumerable<KeyValuePair<string, string>> PluginEnvironment(PluginCommand command)
    {
        foreach (var pair in command.Environment)
        {
            if (pair.Key != "LC_ALL")
            {
                yield return pair;
            }
        }

        yield return new("LC_ALL", "C");
    }

    /// <summary>UTF-8 takes at most 4 bytes a character, so this many bytes always hold <see cref="MaxOutputChars"/>.</summary>
    private const int MaxOutputBytes = 4 * MaxOutputChars;

    private static string Cap(string text) => text.Length > MaxOutputChars ? text[..MaxOutputChars] : text;

    private CheckResult TimedOut(TimeSpan timeout, string partial, long started)
    {
        var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var said = PluginOutputParser.Parse(3, partial);
        return CheckResult.Unknown($"(plugin timed out after {seconds}s) {(partial.Trim().Length > 0 ? said.Output : "")}".TrimEnd(),
            _time.GetElapsedTime(started)) with { LongOutput = said.LongOutput };
    }

    /// <summary>Where <see cref="CapturedProcess"/> does not work (not Linux, kernel before 5.3, glibc before 2.36).</summary>
    private async Task<CheckResult> RunWithProcessAsync(PluginCommand command, TimeSpan timeout, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        using var process = new Process { StartInfo = StartInfo(command) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            return CheckResult.Unknown($"(cannot run {command.Argv[0]}: {e.Message})", _time.GetElapsedTime(started));
        }

        process.StandardInput.Close();
        var stdout = ReadCappedAsync(process.StandardOutput, ct);
        var stderr = ReadCappedAsync(process.StandardError, ct);
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token);
            // A child the plugin left behind may hold stdout open; wait for it only until the deadline.
            await Task.WhenAll(stdout, stderr).WaitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            ct.ThrowIfCancellationRequested();
            return TimedOut(timeout, await PartialAsync(stdout), started);
        }

        var output = await stdout;
        if (output.Trim().Length == 0 && (await stderr).Trim().Length > 0)
        {
            output = await stderr;
        }

        return PluginOutputParser.Parse(process.ExitCode, output) with { Duration = _time.GetElapsedTime(started) };
    }

    private static ProcessStartInfo StartInfo(PluginCommand command)
    {
        var info = new ProcessStartInfo(command.Argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in command.Argv.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in command.Environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["LC_ALL"] = "C";
        return info;
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer, ct)) > 0)
        {
            lock (text)
            {
                text.Append(buffer, 0, Math.Min(read, Math.Max(0, MaxOutputChars - text.Length)));
            }
        }

        return text.ToString();
    }

    /// <summary>What the plugin printed before it was killed (the pipe closes with the process, so this ends).</summary>
    private static async Task<string> PartialAsync(Task<string> stdout)
    {
        try
        {
            return await stdout.WaitAsync(TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            // A grandchild outside the tree (it called setsid) still holds the pipe: report without its text.
            return "";
        }
        catch (OperationCanceledException)
        {
            return "";
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
        catch (Win32Exception)
        {
            // Part of the tree had already gone; the rest was signalled.
        }
    }
}
