using Slipway.Logs.IntegrationTests.Fixtures;

namespace Slipway.Queue.Tests.Contract;

/// <summary>One real PostgreSQL for the class's tests; each test gets its own database.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;
    private int _databases;

    public async ValueTask InitializeAsync()
    {
        if (File.Exists(Path.Combine(PostgresServer.BinDir, "postgres")))
        {
            _server = await PostgresServer.StartAsync(CancellationToken.None);
        }
    }

    public async Task<string> NewDatabaseAsync(CancellationToken ct)
    {
        // Skips (locally) or fails (CI) with the fix when PostgreSQL is not installed.
        var server = _server ?? await PostgresServer.StartAsync(ct);
        var name = $"queue{Interlocked.Increment(ref _databases)}";
        await server.CreateDatabaseAsync(name, ct);
        return server.Url(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
