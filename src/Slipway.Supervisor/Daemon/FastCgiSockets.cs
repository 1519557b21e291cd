using Slipway.Supervisor.Config;
using Slipway.Supervisor.Logging;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Daemon;

/// <summary>
/// <c>[fcgi-program:x]</c> groups (supervisord's FastCGIProcessGroup): one listening socket per group, which
/// every child of the group gets as its fd 0 (no stdin pipe), counted per child (see <see cref="FastCgiSocket"/>).
/// </summary>
public sealed class FastCgiSockets(MainLog log, IProcessSpawner spawner)
{
    private readonly Dictionary<string, FastCgiSocket> _fastCgiSockets = new(StringComparer.Ordinal);
    private readonly Dictionary<Subprocess, FastCgiSocket> _fastCgiHolders = [];

    /// <summary>Whether the fcgi-program group <paramref name="group"/> has its socket open now (for tests).</summary>
    internal bool IsOpen(string group) => _fastCgiSockets.TryGetValue(group, out var s) && s.IsOpen;

    /// <summary>Makes a new group's socket and checks, as supervisord does, that it can be bound (then closes it).</summary>
    /// <exception cref="FastCgiSocketException">The address cannot be bound.</exception>
    internal void GroupAdding(GroupConfig config)
    {
        if (config.FastCgi is not { } socketConfig)
        {
            return;
        }

        var socket = new FastCgiSocket(socketConfig, log.Write);
        socket.Probe();
        _fastCgiSockets[config.Name] = socket;
    }

    internal void GroupRemoved(string name) => _fastCgiSockets.Remove(name);

    internal bool IsFastCgi(Subprocess process) => _fastCgiSockets.ContainsKey(process.GroupName);

    /// <summary>
    /// Starts a child of an fcgi-program with the group's socket as its stdin; the socket is opened for the first
    /// child. A socket that cannot be bound is a spawn error (supervisord lets the exception escape and dies).
    /// </summary>
    internal SpawnedChild Spawn(Subprocess process, SpawnRequest request)
    {
        var socket = _fastCgiSockets[process.GroupName];
        int fd;
        try
        {
            fd = socket.Acquire();
        }
        catch (FastCgiSocketException e)
        {
            throw new SpawnException(e.Message, e);
        }

        try
        {
            var child = spawner.Spawn(request with { StdinFd = fd });
            _fastCgiHolders[process] = socket;
            return child;
        }
        catch
        {
            socket.Release();
            throw;
        }
    }

    /// <summary>The child was reaped: it no longer holds its group's socket.</summary>
    internal void ChildGone(Subprocess process)
    {
        if (_fastCgiHolders.Remove(process, out var socket))
        {
            socket.Release();
        }
    }
}
