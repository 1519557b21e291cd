using System.Diagnostics;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Ssh;

/// <summary>
/// A ControlMaster kept as our own child process (<c>ssh -M -N</c>, no <c>-f</c>), so it is stopped by closing a
/// pipe instead of spawning <c>ssh -O exit</c> per host, which cost about 40 ms of a five-host run on two cores.
/// </summary>
/// <remarks>
/// Readiness and lifetime both go through ssh's LocalCommand, which ssh runs once the control socket listens:
/// it prints <see cref="ReadyMarker"/> on stdout, and leaves a watcher that blocks on the master's stdin (our
/// pipe). When we close the pipe, or when this process dies however it dies, the watcher sees EOF and sends the
/// master SIGTERM, so a killed run never leaves a connection open on a host. The watcher checks that its parent
/// is still an ssh before it signals, so a recycled pid is never hit.
/// </remarks>
internal sealed class SshMaster : IAsyncDisposable
{
    public const string ReadyMarker = "SLIPWAY-MASTER-READY";

    /// <summary>Run by /bin/sh whatever the user's login shell is; %-free because ssh expands % tokens in it.</summary>
    public const string LocalCommand =
        "exec /bin/sh -c 'exec 3<&0; (cat <&3 >/dev/null 2>&1; " +
        "[ \"$(cat /proc/$PPID/comm 2>/dev/null)\" = ssh ] && kill $PPID) </dev/null >/dev/null 2>&1 & echo " + ReadyMarker + "'";

    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(2);
    private readonly Process _process;
    private int _disposed;

    private SshMaster(Process process) => _process = process;

    /// <summary>
    /// Starts the master and waits until its socket accepts clients. Returns null when ssh exited first (auth,
    /// host key, network), with its exit code; the reason is in its -E log.
    /// </summary>
    public static async Task<(SshMaster? Master, int ExitCode)> StartAsync(ProcessStartInfo psi, CancellationToken ct)
    {
        var process = new Process { StartInfo = psi };
        process.Start();

        // stderr goes to the -E log; drain the pipe anyway so a chatty ProxyCommand never blocks on it.
        _ = process.StandardError.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                if (line == ReadyMarker)
                {
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return (new SshMaster(process), 0);
                }
            }

            await process.WaitForExitAsync(ct);
            var exitCode = process.ExitCode;
            process.Dispose();
            return (null, exitCode == 0 ? 255 : exitCode);
        }
        catch (OperationCanceledException)
        {
            await ChildProcess.KillAndReapAsync(process);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
            using var limit = new CancellationTokenSource(StopLimit);
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Not gone in time (or the pipe was already broken): do not let one stuck master hold up the run.
            await ChildProcess.KillAndReapAsync(_process);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
