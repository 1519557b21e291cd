using Slipway.Core.Config;

namespace Slipway.Remote.Local;

/// <summary>For hosts with <c>transport: local</c>: the same semantics as SSH, run with /bin/sh on this machine.</summary>
public sealed class LocalTransport(SshSettings? settings = null) : ITransport
{
    public Task<IRemoteSession> ConnectAsync(HostConfig host, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(host);
        ct.ThrowIfCancellationRequested();
        return Task.FromResult<IRemoteSession>(new LocalSession(host, settings?.CommandTimeout));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
