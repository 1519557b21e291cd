namespace Slipway.Queue.Tests.Contract;

/// <summary>One private redis-server for the class's tests; each test's store is a key prefix of its own.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;
    private int _stores;

    public async ValueTask InitializeAsync()
    {
        if (File.Exists(RedisServer.Binary))
        {
            _server = await RedisServer.StartAsync(durable: false, CancellationToken.None);
        }
    }

    public async Task<string> NewStoreAsync(CancellationToken ct)
    {
        // Skips (locally) or fails (CI) with the fix when redis-server is not installed.
        _server ??= await RedisServer.StartAsync(durable: false, ct);
        return _server.Url($"store{Interlocked.Increment(ref _stores)}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
