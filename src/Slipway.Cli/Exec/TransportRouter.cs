using Slipway.Core.Config;
using Slipway.Remote;

namespace Slipway.Cli.Exec;

/// <summary>Sends each host to the transport its config names (ssh or local), creating each transport once.</summary>
internal sealed class TransportRouter(SshSettings ssh) : ITransport
{
    private readonly Lazy<ITransport> _ssh = new(() => new OpenSshTransport(ssh));
    private readonly Lazy<ITransport> _local = new(() => new LocalTransport(ssh));

    public Task<IRemoteSession> ConnectAsync(HostConfig host, CancellationToken ct) =>
        (host.Transport == TransportKind.Local ? _local.Value : _ssh.Value).ConnectAsync(host, ct);

    public async ValueTask DisposeAsync()
    {
        if (_ssh.IsValueCreated)
        {
            await _ssh.Value.DisposeAsync();
        }

        if (_local.IsValueCreated)
        {
            await _local.Value.DisposeAsync();
        }
    }
}
