using Slipway.Supervisor.Config;
using Slipway.Supervisor.Native;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// The listening socket of an <c>[fcgi-program:x]</c> group, counted per running child as supervisord's
/// SocketManager does: the first child to start creates, binds and listens; every child gets it as fd 0; the
/// socket is closed when the last child has been reaped, and made afresh when one starts again. Slipway also
/// removes a unix socket's file when it closes it (supervisord leaves the dead file behind; either way a client
/// gets "connection refused"). Not thread-safe: the daemon calls it under its gate.
/// </summary>
internal sealed class FastCgiSocket(FastCgiSocketConfig config, Action<string, string> log)
{
    private int _fd = -1;

    public FastCgiSocketConfig Config { get; } = config;

    /// <summary>How many children hold the socket.</summary>
    public int References { get; private set; }

    /// <summary>Whether the socket is open (some child holds it).</summary>
    public bool IsOpen => _fd >= 0;

    /// <summary>Takes a reference for a child about to start; the first one opens the socket. Returns the descriptor.</summary>
    /// <exception cref="FastCgiSocketException">The socket cannot be made, with the reason as Python words it.</exception>
    public int Acquire()
    {
        if (References == 0)
        {
            Open();
        }

        References++;
        return _fd;
    }

    /// <summary>A child that held the socket was reaped (or did not start): the last one closes it.</summary>
    public void Release()
    {
        if (References <= 0)
        {
            throw new InvalidOperationException("Illegal operation: cannot decrement below zero");
        }

        References--;
        if (References == 0)
        {
            Close();
        }
    }

    /// <summary>
    /// What supervisord does when it makes the group: open and at once close the socket, so that an address that
    /// cannot be bound is reported at start-up (and by addProcessGroup) rather than at the first spawn.
    /// </summary>
    public void Probe()
    {
        Acquire();
        Release();
    }

    private void Open()
    {
        log("info", $"Creating socket {Config.Url}");
        try
        {
            _fd = Config.Path is { } path
                ? ListeningSocket.Unix(path, Config.Backlog, Config.Owner, Config.Mode)
                : ListeningSocket.Tcp(Config.Host!, Config.Port, Config.Backlog);
        }
        catch (IOException e)
        {
            throw new FastCgiSocketException($"Could not create FastCGI socket {Config.Url}: {e.Message}", e);
        }
    }

    private void Close()
    {
        log("info", $"Closing socket {Config.Url}");
        Posix.close(_fd);
        _fd = -1;
        if (Config.Path is { } path)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log("warn", $"could not remove {path}: {e.Message}");
            }
        }
    }
}

/// <summary>An fcgi-program's socket could not be created (its message is supervisord's "Could not create FastCGI socket ...").</summary>
public sealed class FastCgiSocketException : Exception
{
    public FastCgiSocketException(string message)
        : base(message)
    {
    }

    public FastCgiSocketException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FastCgiSocketException()
    {
    }
}
