using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Logs.Parsing;

namespace Slipway.Logs.Intake;

/// <summary>Syslog over UDP: one message per datagram. When the queue is full the datagram is dropped and counted.</summary>
public sealed class SyslogUdpListener(IntakePipeline pipeline, SyslogParser parser, TimeProvider clock, ILogger? log = null) : IAsyncDisposable
{
    private readonly ILogger _log = log ?? NullLogger.Instance;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task? _loop;

    public int MaxMessageBytes { get; init; } = SyslogFrameDecoder.DefaultMaxFrameBytes;

    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint as IPEndPoint;

    public void Start(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.ReceiveBufferSize = 8 * 1024 * 1024;
        _socket.Bind(endpoint);
        LogMessages.Listening(_log, "udp", _socket.LocalEndPoint!);
        _loop = ReceiveLoopAsync(_stop.Token);
    }

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(_socket!.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, any, ct);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                continue; // e.g. ICMP port unreachable reported on a previous send; keep listening
            }

            var length = result.ReceivedBytes;
            var truncated = length > MaxMessageBytes;
            var host = (result.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
            var e = parser.Parse(buffer.AsSpan(0, Math.Min(length, MaxMessageBytes)), clock.GetUtcNow(), host, truncated);
            pipeline.Metrics.AddUdp();
            if (!pipeline.TryEnqueue(e))
            {
                pipeline.Metrics.DropUdp();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket?.Dispose();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }
}
