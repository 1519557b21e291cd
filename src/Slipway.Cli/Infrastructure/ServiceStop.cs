using System.Runtime.InteropServices;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// The stop signal of a long-running command (<c>logs serve</c>, <c>queue serve</c>, <c>monitor serve</c>,
/// <c>worker</c>): Ctrl-C cancels the command's token already (Program); SIGTERM, which systemd, supervisord and
/// <c>docker stop</c> send, does the same here instead of killing the process before it drains.
/// </summary>
internal sealed class ServiceStop : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _sigterm;

    public ServiceStop(CancellationToken commandToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(commandToken);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            _stop.Cancel();
        });
    }

    /// <summary>Cancelled on SIGTERM or Ctrl-C.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        // The handler goes first: a late SIGTERM must not reach a disposed source.
        _sigterm.Dispose();
        _stop.Dispose();
    }
}
