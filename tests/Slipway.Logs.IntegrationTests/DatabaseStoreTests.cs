using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Storage;
using Slipway.Logs.Tests;

namespace Slipway.Logs.IntegrationTests;

/// <summary>The store contract (see StoreContract) against real MariaDB and PostgreSQL servers started on loopback.</summary>
public sealed class DatabaseStoreTests
{
    [Fact]
    public async Task MariaDb_store_meets_the_contract()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MariaDbServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);
        await using var store = LogStoreFactory.Open(server.Url("logs"));
        store.Kind.ShouldBe("mysql");
        await StoreContract.RunAsync(store, ct);
    }

    [Fact]
    public async Task Postgres_store_meets_the_contract()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);
        await using var store = LogStoreFactory.Open(server.Url("logs"));
        store.Kind.ShouldBe("postgres");
        await StoreContract.RunAsync(store, ct);
    }
}
