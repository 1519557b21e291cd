using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.Tests;

public sealed class SqliteLogStoreTests
{
    [Fact]
    public async Task Sqlite_store_meets_the_contract()
    {
        using var dir = new TempDir();
        await using var store = LogStoreFactory.Open(dir.File("logs.db"));
        store.Kind.ShouldBe("sqlite");
        await StoreContract.RunAsync(store, TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("logs.db", "sqlite")]
    [InlineData("/var/lib/slipway/logs.db", "sqlite")]
    [InlineData("mysql://u:p@127.0.0.1:3307/logs", "mysql")]
    [InlineData("mariadb://u@db/logs", "mysql")]
    [InlineData("postgres://u:p@127.0.0.1/logs", "postgres")]
    [InlineData("postgresql://u:p@127.0.0.1:5433/logs?sslmode=disable", "postgres")]
    public async Task Connection_strings_pick_the_database(string connection, string kind)
    {
        await using var store = LogStoreFactory.Open(connection);
        store.Kind.ShouldBe(kind);
    }

    [Fact]
    public void Bad_connection_strings_say_what_is_expected_without_the_password()
    {
        Should.Throw<LogStoreException>(() => LogStoreFactory.Open("redis://u:secret@h/1")).Message.ShouldSatisfyAllConditions(
            m => m.ShouldContain("Unknown database 'redis://'"),
            m => m.ShouldNotContain("secret"));
        Should.Throw<LogStoreException>(() => LogStoreFactory.Open("mysql://u:secret@h:3306/")).Message.ShouldContain("names no database");
    }
}
