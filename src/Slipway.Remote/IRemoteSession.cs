using Slipway.Core.Config;
using Slipway.Core.Shell;

namespace Slipway.Remote;

/// <summary>
/// An open connection to one host, reused for every command and file transfer of a run.
/// Disposing it closes the connection (and stops anything still running on it).
/// </summary>
public interface IRemoteSession : IAsyncDisposable
{
    HostConfig Host { get; }

    /// <summary>
    /// Runs <paramref name="command"/> through the host's POSIX shell. Output is streamed line by line
    /// as it arrives (<see cref="RunOptions.Output"/>). A non-zero exit is a result, not an exception; losing the
    /// connection throws <see cref="RemoteConnectionException"/>. Cancelling (or the timeout) stops the remote
    /// process group, then throws <see cref="OperationCanceledException"/> or <see cref="TimeoutException"/>.
    /// </summary>
    Task<CommandResult> RunAsync(ShellCommand command, RunOptions? options, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="remotePath"/> atomically: a temporary file in the same
    /// directory, its mode set, then renamed over the target. A reader never sees a half-written file.
    /// </summary>
    Task UploadAsync(Stream content, string remotePath, UnixFileMode mode, CancellationToken ct);
}
