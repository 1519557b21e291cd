using System.Diagnostics;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Ssh;

/// <summary>
/// A ControlMaster kept as our own child process (<c>ssh -M</c>, no <c>-f</c>), whose own session is the host's
/// <see cref="RemoteShell"/>. It is stopped by closing its stdin instead of spawning <c>ssh -O exit</c> per host.
/// </summary>
/// <remarks>
/// Readiness: the shell's first answer, which also proves the control socket listens (ssh opens it before the
/// session). Lifetime: when we close the pipe, or when this process dies however it dies, the shell on the host reads
/// EOF and exits; with ControlPersist=no the master then ends as soon as its last multiplexed client has, so a killed
/// run never leaves a connection open on a host. With <c>ssh.control_persist</c> this process is instead the first
/// client of a master that ssh forked into the background (SshArguments.Master), and that master stays for the
/// configured time by design.
/// </remarks>
internal sealed class SshMaster : IAsyncDisposable
{
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(2);
    private readonly Process _process;
    private int _disposed;

    private SshMaster(Process process, RemoteShell shell, string logFile)
    {
        _process = process;
        Shell = shell;
        LogFile = logFile;
    }

    public RemoteShell Shell { get; }

    /// <summary>The master's <c>-E</c> log: why the connection dropped, when it did.</summary>
    public string LogFile { get; }

    /// <summary>
    /// Starts the master and waits until the host's shell answers. Returns null when ssh exited first (auth, host key,
    /// network), with its exit code; the reason is in its -E log.
    /// </summary>
    public static async Task<(SshMaster? Master, int ExitCode)> StartAsync(ProcessStartInfo psi, string logFile, CancellationToken ct)
    {
        var process = new Process { StartInfo = psi };
        process.Start();
        var shell = RemoteShell.Start(process);
        try
        {
            if (await shell.Ready.WaitAsync(ct))
            {
                return (new SshMaster(process, shell, logFile), 0);
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
            Shell.Close();
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
