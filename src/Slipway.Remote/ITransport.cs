using Slipway.Core.Config;

namespace Slipway.Remote;

/// <summary>Opens sessions to hosts. One implementation per <see cref="TransportKind"/>.</summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>
    /// Connects and authenticates, verifying the host key by the configured policy. Failures throw
    /// <see cref="RemoteConnectionException"/> whose message says what went wrong and how to fix it.
    /// </summary>
    Task<IRemoteSession> ConnectAsync(HostConfig host, CancellationToken ct);
}
