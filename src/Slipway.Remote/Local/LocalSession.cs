using System.Globalization;
using Slipway.Core.Config;
using Slipway.Core.Shell;
using Slipway.Remote.Processes;

namespace Slipway.Remote.Local;

/// <summary>Runs commands with <c>/bin/sh -c</c>; cancel and time-out kill the whole local process tree.</summary>
internal sealed class LocalSession(HostConfig host, TimeSpan? defaultTimeout) : IRemoteSession
{
    public HostConfig Host { get; } = host;

    public async Task<CommandResult> RunAsync(ShellCommand command, RunOptions? options, CancellationToken ct)
    {
        var text = CommandScript.WithContext(command, options).Text;
        var psi = ChildProcess.StartInfo("/bin/sh", ["-c", text], environment: null);
        var limit = options?.Timeout ?? defaultTimeout;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (limit is { } l)
        {
            timeout.CancelAfter(l);
        }

        try
        {
            var outcome = await ChildProcess.RunAsync(psi, options?.Output, timeout.Token);
            return outcome.ToResult();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && limit is not null)
        {
            throw new TimeoutException(
                $"{Host.DisplayName}: `{command}` did not finish within " +
                $"{limit.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s; it was stopped.");
        }
    }

    /// <summary>Temp file in the target directory, mode set, then File.Move with overwrite (rename(2): atomic).</summary>
    public async Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(remotePath);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes need a unix host.");
        }

        var temp = UploadContent.TempPath(remotePath);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            await using (var file = new FileStream(temp, options))
            {
                await content.CopyToAsync(file, ct);
            }

            // Explicit chmod: the create mode is filtered by the umask, the requested mode must be exact.
            File.SetUnixFileMode(temp, mode);
            File.Move(temp, remotePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw new RemoteUploadException(Host.DisplayName, remotePath, e.Message, e);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
