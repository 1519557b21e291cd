using System.Globalization;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Ssh;

/// <summary>
/// Commands and uploads to one host, each a short-lived ssh client: on the host's ControlMaster, or, with no master
/// (<see cref="ConnectionMode.Direct"/>), on a connection of its own.
/// </summary>
internal sealed class OpenSshSession(HostConfig host, OpenSshTransport transport, SshMaster? master, string? controlPath = null) : IRemoteSession
{
    private int _disposed;

    public HostConfig Host { get; } = host;

    internal SshMaster? Master { get; } = master;

    public async Task<CommandResult> RunAsync(ShellCommand command, RunOptions? options, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var script = CommandScript.WithContext(command, options);
        var limit = options?.Timeout ?? transport.Settings.CommandTimeout;
        if (Master is { Shell: { Dead: false } shell } && await RunOnShellAsync(shell, command, script, options?.Output, limit, ct) is { } done)
        {
            return done.ToResult();
        }

        // No master, or its shell is busy with another command: a client process of its own.
        var remote = CommandScript.KillOnDisconnect(script);
        var outcome = await RunSshAsync(command, remote, options?.Output, stdin: null, limit, ct);
        return outcome.ToResult();
    }

    /// <summary>One command on the master's shell; null when the shell was busy.</summary>
    private async Task<ProcessOutcome?> RunOnShellAsync(
        RemoteShell shell, ShellCommand shown, ShellCommand script, Action<OutputLine>? output, TimeSpan? limit, CancellationToken ct)
    {
        ShellOutcome? outcome;
        try
        {
            outcome = await shell.TryRunAsync(script.Text, output, limit, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && limit is not null)
        {
            throw new TimeoutException(
                $"{Host.DisplayName}: `{shown}` did not finish within {FormatLimit(limit.Value)}; it was stopped on the host.");
        }

        return outcome switch
        {
            null => null,
            { Result: { } result } => result,
            _ => throw SshErrorMessages.ConnectionLost(Host, shown.ToString(),
                SshLogClassifier.LostReason(OpenSshTransport.ReadLog(Master!.LogFile) + "\n" + shell.LastStderrLine)),
        };
    }

    /// <summary>
    /// Streams the content over the command channel into a temporary file next to the target, checks its size,
    /// sets the mode and renames it over the target (rename(2) in one directory is atomic).
    /// Why not sftp: sftp's batch language globs remote paths for chmod and needs its own escaping, so arbitrary
    /// file names would need a second quoting scheme; the shell path reuses ShellQuote, which is tested against injection.
    /// The size check matters: if the connection drops mid-transfer, cat sees EOF and exits 0, and a truncated file
    /// must never be renamed into place.
    /// </summary>
    public async Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(remotePath);
        var (data, length) = await UploadContent.BufferAsync(content, ct);
        await using (data)
        {
            var command = UploadContent.Command(remotePath, mode, length);
            var outcome = await RunSshAsync(command, command.Text, output: null,
                (stdin, token) => data.CopyToAsync(stdin, token), transport.Settings.CommandTimeout, ct);
            if (outcome.ExitCode != 0)
            {
                // The host answered (a lost connection threw above): a full disk or a directory it cannot write.
                var said = string.Join(" / ", outcome.StderrTail.Where(l => l.Length > 0));
                throw new RemoteUploadException(Host.DisplayName, remotePath,
                    said.Length > 0 ? said : $"exit {outcome.ExitCode.ToString(CultureInfo.InvariantCulture)}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await transport.CloseMasterAsync(Host);
            if (Master is not null)
            {
                await Master.DisposeAsync();
            }
        }
    }

    private async Task<ProcessOutcome> RunSshAsync(
        ShellCommand shown, string remote, Action<OutputLine>? output, Func<Stream, CancellationToken, Task>? stdin, TimeSpan? limit,
        CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var log = transport.NextLogFile("cmd");
        var args = Master is null ? transport.Arguments.Direct(Host, log, remote) : transport.Arguments.Command(Host, log, remote, controlPath);
        var psi = ChildProcess.StartInfo("ssh", args, transport.Environment);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (limit is { } l)
        {
            timeout.CancelAfter(l);
        }

        try
        {
            var outcome = await ChildProcess.RunAsync(psi, output, stdin, timeout.Token);
            if (outcome.ExitCode == 255)
            {
                var text = OpenSshTransport.ReadLog(log);
                if (!SshLogClassifier.HasRemoteExitStatus(text))
                {
                    throw Master is null && !SshLogClassifier.IsAuthenticated(text)
                        ? SshErrorMessages.ForConnect(Host, transport.Settings, SshLogClassifier.ClassifyConnect(text))
                        : SshErrorMessages.ConnectionLost(Host, shown.ToString(), SshLogClassifier.LostReason(text));
                }
            }

            return outcome;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && limit is not null)
        {
            throw new TimeoutException(
                $"{Host.DisplayName}: `{shown}` did not finish within {FormatLimit(limit.Value)}; it was stopped on the host.");
        }
        finally
        {
            File.Delete(log);
        }
    }

    private static string FormatLimit(TimeSpan limit) =>
        limit.TotalSeconds >= 1
            ? limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
            : limit.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}
