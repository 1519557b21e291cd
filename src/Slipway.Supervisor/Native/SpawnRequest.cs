namespace Slipway.Supervisor.Native;

/// <summary>
/// What to start: an absolute program path, its argv (argv[0] included) and the whole environment. With
/// <see cref="StdinFd"/> (an fcgi-program's listening socket) the child gets that descriptor as its fd 0 instead
/// of a stdin pipe; the daemon keeps its own copy.
/// </summary>
public sealed record SpawnRequest(
    string Path,
    IReadOnlyList<string> Argv,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    string? Directory = null,
    int? Umask = null,
    string? User = null,
    bool RedirectStderr = false,
    int? StdinFd = null);

/// <summary>
/// A started child: its pid and the parent's ends of its stdin (write; -1 when the child was given a descriptor
/// of the daemon's as fd 0) and stdout/stderr (read; stderr -1 with redirect_stderr) pipes.
/// </summary>
public sealed record SpawnedChild(int Pid, int StdinFd, int StdoutFd, int StderrFd)
{
    /// <summary>
    /// When a batch started this child ahead of its turn: epoch seconds just before its own spawn call, which is
    /// supervisord's laststart (taken before fork). Null when the child was started on its turn.
    /// </summary>
    public double? LaunchedAt { get; init; }
}

/// <summary>Starts child processes; the daemon's only way to create one, so tests can substitute it.</summary>
public interface IProcessSpawner
{
    /// <summary>Starts the child or throws <see cref="SpawnException"/> with supervisord's wording.</summary>
    SpawnedChild Spawn(SpawnRequest request);
}

public class SpawnException : Exception
{
    public SpawnException(string message)
        : base(message)
    {
    }

    public SpawnException()
    {
    }

    public SpawnException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
