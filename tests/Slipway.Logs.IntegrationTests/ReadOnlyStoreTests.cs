using Slipway.Cli;
using Slipway.Cli.Tests.Support;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Logs.Storage;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// Commands that only read a store never create one (issue 21): on a database server without Slipway's schema,
/// <c>logs query</c> and <c>logs digest</c> say so and leave the database as they found it; <c>logs serve</c> creates it.
/// </summary>
public sealed class ReadOnlyStoreTests
{
    [Fact]
    public async Task MariaDb_without_the_schema_is_refused_and_left_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await MariaDbServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);

        await RefusedAndLeftEmptyAsync(server.Url("logs"), "mysql", ct);
    }

    [Fact]
    public async Task Postgres_without_the_schema_is_refused_and_left_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await PostgresServer.StartAsync(ct);
        await server.CreateDatabaseAsync("logs", ct);

        await RefusedAndLeftEmptyAsync(server.Url("logs"), "postgres", ct);
    }

    private static async Task RefusedAndLeftEmptyAsync(string url, string kind, CancellationToken ct)
    {
        foreach (var args in new[] { new[] { "logs", "query", "--db", url }, ["logs", "digest", "--db", url, "--dry-run"], ["logs", "query", "--db", url, "--json"] })
        {
            var result = await CliRunner.RunAsync(args);

            result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
            result.Stderr.ShouldContain($"the {kind} database has no Slipway log schema");
            if (args.Contains("--json"))
            {
                System.Text.Json.JsonDocument.Parse(result.Stdout).RootElement.GetProperty("ok").GetBoolean().ShouldBeFalse();
            }
            else
            {
                result.Stdout.ShouldBeEmpty();
            }
        }

        // Nothing was created: checking again still finds no schema, and only migrating (what logs serve does) makes one.
        await using var store = LogStoreFactory.OpenExisting(url);
        await Should.ThrowAsync<LogStoreException>(() => store.CheckSchemaAsync(ct));
        await store.MigrateAsync(ct);
        await store.CheckSchemaAsync(ct);
        (await CliRunner.RunAsync("logs", "query", "--db", url)).ExitCode.ShouldBe(ExitCodes.Success);
    }
}
