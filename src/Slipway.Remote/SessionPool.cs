using Slipway.Core.Config;
using Slipway.Remote.Local;
using Slipway.Remote.Ssh;

namespace Slipway.Remote;

/// <summary>The result of connecting to one host: a session, or the error that says why not.</summary>
public sealed record HostConnection(HostConfig Host, IRemoteSession? Session, RemoteConnectionException? Error)
{
    public bool Succeeded => Session is not null;
}

/// <summary>
/// One session per host for a whole run, over the right transport (ssh or local). Disposing the pool closes every
/// connection and removes the control sockets.
/// </summary>
public sealed class SessionPool : IAsyncDisposable
{
    private readonly Lazy<ITransport> _ssh;
    private readonly LocalTransport _local;
    private readonly Dictionary<string, Task<IRemoteSession>> _sessions = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public SessionPool(
        SshSettings settings, IReadOnlyDictionary<string, string?>? sshEnvironment = null, ConnectionMode mode = ConnectionMode.Multiplexed)
        : this(settings, new Lazy<ITransport>(() => new OpenSshTransport(settings, sshEnvironment, mode)))
    {
    }

    internal SessionPool(SshSettings settings, Lazy<ITransport> ssh)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _ssh = ssh;
        _local = new LocalTransport(settings);
    }

    public SshSettings Settings { get; }

    /// <summary>The host's session, connecting on first use. Concurrent callers for one host share one connect.</summary>
    public async Task<IRemoteSession> GetAsync(HostConfig host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        var key = Key(host);
        Task<IRemoteSession> connect;
        lock (_lock)
        {
            if (!_sessions.TryGetValue(key, out connect!))
            {
                connect = TransportFor(host).ConnectAsync(host, ct);
                _sessions[key] = connect;
            }
        }

        try
        {
            return await connect;
        }
        catch
        {
            // A failed connect is not cached: the next call retries.
            lock (_lock)
            {
                if (_sessions.TryGetValue(key, out var current) && current == connect)
                {
                    _sessions.Remove(key);
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Connects to every host, at most <paramref name="maxParallel"/> at once (through <see cref="HostFanOut"/>); one
    /// host's failure does not stop the others. Ctrl-C ends the whole call.
    /// </summary>
    public async Task<IReadOnlyList<HostConnection>> ConnectAllAsync(IEnumerable<HostConfig> hosts, int maxParallel, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var results = await HostFanOut.RunAsync(hosts.ToList(), maxParallel,
            async (host, token) => new HostConnection(host, await GetAsync(host, token), null),
            (host, fault) => new HostConnection(host, null,
                fault.Cause as RemoteConnectionException ?? new RemoteConnectionException(host.DisplayName, ConnectionFailure.Other, fault.Message)),
            ct);
        ct.ThrowIfCancellationRequested();
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        List<Task<IRemoteSession>> open;
        lock (_lock)
        {
            open = [.. _sessions.Values];
            _sessions.Clear();
        }

        await Task.WhenAll(open.Where(t => t.IsCompletedSuccessfully).Select(async t => await (await t).DisposeAsync()));
        if (_ssh.IsValueCreated)
        {
            await _ssh.Value.DisposeAsync();
        }

        await _local.DisposeAsync();
    }

    private ITransport TransportFor(HostConfig host) => host.Transport == TransportKind.Local ? _local : _ssh.Value;

    private static string Key(HostConfig host) => host.Transport + "|" + host.DisplayName + "|" + host.IdentityFile;
}
