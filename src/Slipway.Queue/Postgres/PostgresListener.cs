using Npgsql;
using Slipway.Queue.Internal;

namespace Slipway.Queue.Postgres;

/// <summary>
/// One LISTEN connection that turns NOTIFYs into wake-ups of this process's idle workers. When the connection is lost
/// it wakes every waiter (a notification may have been missed, so they look once) and reconnects after a second.
/// </summary>
internal sealed class PostgresListener(NpgsqlDataSource dataSource, string channel, QueueSignals signals)
    : IAsyncDisposable
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken ct)
    {
        // The first connection is made here, so a wrong URL fails InitializeAsync instead of a background loop.
        var connection = await ConnectAsync(ct);
        _loop = Task.Run(() => RunAsync(connection, _stop.Token), CancellationToken.None);
    }

    private async Task<NpgsqlConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, e) => signals.Signal(e.Payload);
        await using var listen = connection.CreateCommand();
        listen.CommandText = $"LISTEN {channel}";
        await listen.ExecuteNonQueryAsync(ct);
        return connection;
    }

    private async Task RunAsync(NpgsqlConnection? connection, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                connection ??= await ConnectAsync(ct);
                await connection.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                    connection = null;
                }

                signals.SignalAll();
                try
                {
                    // The real clock on purpose: reconnecting is I/O, not queue logic a test would drive with a fake clock.
                    await Task.Delay(ReconnectDelay, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
