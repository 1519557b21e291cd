using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slipway.Logs.Model;
using Slipway.Logs.Parsing;

namespace Slipway.Logs.Intake;

/// <summary>
/// Syslog over TCP (RFC 6587 octet counting and LF framing, told apart per frame). Each connection is read by its
/// own task; when the queue is full the read waits, so the kernel's receive window fills and the sender slows
/// down — one flooding client never makes others lose events, and memory stays bounded.
/// </summary>
public sealed class SyslogTcpListener(IntakePipeline pipeline, SyslogParser parser, TimeProvider clock, ILogger? log = null) : IAsyncDisposable
{
    private const int ReadBufferBytes = 16 * 1024;
    private readonly ILogger _log = log ?? NullLogger.Instance;
    private readonly List<Task> _connections = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _stopReading = new();
    private Socket? _socket;
    private Task? _acceptLoop;

    public int MaxFrameBytes { get; init; } = SyslogFrameDecoder.DefaultMaxFrameBytes;

    /// <summary>On stop, open connections get this long to deliver what they already sent (up to their EOF).</summary>
    public TimeSpan DrainGrace { get; init; } = TimeSpan.FromSeconds(5);

    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint as IPEndPoint;

    public void Start(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(endpoint);
        _socket.Listen(4096);
        LogMessages.Listening(_log, "tcp", _socket.LocalEndPoint!);
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket!.AcceptAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (ct.IsCancellationRequested)
                {
                    break;
                }

                continue;
            }

            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(ReadConnectionAsync(client, _stopReading.Token));
            }
        }
    }

    private async Task ReadConnectionAsync(Socket client, CancellationToken ct)
    {
        await Task.Yield();
        pipeline.Metrics.ConnectionOpened();
        var remote = (client.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
        var decoder = new SyslogFrameDecoder(MaxFrameBytes);
        byte[]? buffer = null;
        var events = new List<LogEvent>();
        var receivedAt = clock.GetUtcNow();
        void OnFrame(ReadOnlySpan<byte> frame, bool truncated) => events.Add(parser.Parse(frame, receivedAt, remote, truncated));
        try
        {
            var drained = true;
            while (true)
            {
                if (drained)
                {
                    // An idle connection holds no buffer: wait for data with a zero-byte read, then borrow one. Ten
                    // thousand quiet senders cost their sockets, not 16 KiB each. A busy sender keeps its buffer.
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                    }

                    await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);
                    buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
                }

                var n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, ct);
                drained = n < buffer!.Length;
                receivedAt = clock.GetUtcNow();
                if (n == 0)
                {
                    decoder.Complete(OnFrame);
                    await EnqueueAsync(events, ct);
                    break;
                }

                decoder.Feed(buffer.AsSpan(0, n), OnFrame);
                await EnqueueAsync(events, ct);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // On shutdown, what the connection delivered completely is queued; a partial last frame is kept too.
            decoder.Complete(OnFrame);
            await EnqueueAsync(events, CancellationToken.None);
            LogMessages.ConnectionEnded(_log, remote, e.Message);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            client.Dispose();
            pipeline.Metrics.ConnectionClosed();
        }
    }

    private async Task EnqueueAsync(List<LogEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        pipeline.Metrics.AddTcp(events.Count);
        foreach (var e in events)
        {
            await pipeline.EnqueueAsync(e, ct);
        }

        events.Clear();
    }

    /// <summary>Stops accepting and reading; every complete frame already read is queued before this returns.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop;
        }

        Task[] open;
        lock (_connections)
        {
            open = [.. _connections];
        }

        // Senders that already closed their side are read to the end; the rest are cut after the grace period.
        await Task.WhenAny(Task.WhenAll(open), Task.Delay(DrainGrace, CancellationToken.None));
        await _stopReading.CancelAsync();
        await Task.WhenAll(open);
        _stop.Dispose();
        _stopReading.Dispose();
    }
}
