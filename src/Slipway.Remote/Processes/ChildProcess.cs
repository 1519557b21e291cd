using System.Diagnostics;
using System.Text;

namespace Slipway.Remote.Processes;

/// <summary>
/// Runs a local process from an argv list, streams its output line by line and always reaps it: on cancellation
/// the whole local process tree is killed and waited for before the exception leaves, so no zombie is left behind.
/// </summary>
internal static class ChildProcess
{
    /// <summary>How long we wait for pipes to drain after a kill; a grandchild that kept them open must not hang us.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);

    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            psi.Environment[key] = value;
        }

        return psi;
    }

    /// <summary>
    /// Runs to completion. stdin stays open (and empty) until the process exits: for ssh that keeps the channel's
    /// stdin open, which the remote watcher relies on. Throws <see cref="OperationCanceledException"/> when
    /// <paramref name="ct"/> fires, after the process tree is dead and reaped.
    /// </summary>
    public static Task<ProcessOutcome> RunAsync(ProcessStartInfo psi, Action<OutputLine>? output, CancellationToken ct) =>
        RunAsync(psi, output, stdin: null, ct);

    /// <summary>As above, but <paramref name="stdin"/> writes the process's input; stdin is closed when it returns.</summary>
    public static async Task<ProcessOutcome> RunAsync(
        ProcessStartInfo psi, Action<OutputLine>? output, Func<Stream, CancellationToken, Task>? stdin, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.Start();
        var stdout = new TailBuffer();
        var stderr = new TailBuffer();
        var readOut = PumpAsync(process.StandardOutput, OutputKind.Stdout, stdout, output);
        var readErr = PumpAsync(process.StandardError, OutputKind.Stderr, stderr, output);
        try
        {
            if (stdin is not null)
            {
                await WriteInputAsync(process, stdin, ct);
            }

            await process.WaitForExitAsync(ct);
            await Task.WhenAll(readOut, readErr).WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            await KillAndReapAsync(process);
            await DrainAsync(readOut, readErr);
            throw;
        }
        finally
        {
            CloseInput(process);
        }

        return new ProcessOutcome(process.ExitCode, stopwatch.Elapsed, stdout.Snapshot(), stderr.Snapshot());
    }

    /// <summary>Kills the process and its descendants, then waits for the exit so the kernel can reap it.</summary>
    public static async Task KillAndReapAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited: nothing to kill, still reap below.
        }

        using var reapLimit = new CancellationTokenSource(DrainLimit);
        try
        {
            await process.WaitForExitAsync(reapLimit.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGKILL cannot be ignored; reaching this means the kernel is stuck on I/O. Do not hang the run for it.
        }
    }

    private static async Task WriteInputAsync(Process process, Func<Stream, CancellationToken, Task> stdin, CancellationToken ct)
    {
        try
        {
            await stdin(process.StandardInput.BaseStream, ct);
            await process.StandardInput.BaseStream.FlushAsync(ct);
        }
        catch (IOException)
        {
            // The process exited before reading everything (broken pipe); its exit code and log tell why.
        }

        CloseInput(process);
    }

    /// <summary>
    /// Closes stdin; closing flushes, which fails with a broken pipe when the process already exited without reading it
    /// all (a remote <c>cat</c> that hit a full disk): its exit code and stderr tell why, not this.
    /// </summary>
    private static void CloseInput(Process process)
    {
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Broken pipe: see above.
        }
    }

    private static async Task DrainAsync(Task readOut, Task readErr)
    {
        try
        {
            await Task.WhenAll(readOut, readErr).WaitAsync(DrainLimit);
        }
        catch (TimeoutException)
        {
            // A detached grandchild still holds the pipe; the lines it may write are not ours to wait for.
        }
    }

    private static async Task PumpAsync(StreamReader reader, OutputKind kind, TailBuffer tail, Action<OutputLine>? output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            tail.Add(line);
            output?.Invoke(new OutputLine(kind, line));
        }
    }
}
