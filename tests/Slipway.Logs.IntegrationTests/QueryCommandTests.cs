using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Logs.Model;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary><c>slipway logs query</c> and the usage errors of the logs commands, through the whole CLI.</summary>
public sealed class QueryCommandTests
{
    private static async Task<string> SeedAsync(TempDir dir, CancellationToken ct)
    {
        var db = dir.File("logs.db");
        await using var store = LogStoreFactory.Open(db);
        await store.MigrateAsync(ct);
        var now = DateTimeOffset.UtcNow;
        await store.WriteAsync(
        [
            new LogEvent { ReceivedAt = now.AddHours(-3), Host = "web1", Program = "nginx", Severity = 3, Message = "old upstream timeout" },
            new LogEvent { ReceivedAt = now.AddMinutes(-5), Host = "web1", Program = "nginx", Severity = 3, Message = "upstream timeout on /cart" },
            new LogEvent { ReceivedAt = now.AddMinutes(-4), Host = "web2", Program = "nginx", Severity = 6, Message = "GET /cart 200" },
            new LogEvent { ReceivedAt = now.AddMinutes(-3), Host = "db1", Program = "postgres", ProcId = "99", Severity = 4, Message = "slow query" },
        ], ct);
        return db;
    }

    [Fact]
    public async Task Query_by_release_reads_its_live_windows_from_the_deploy_history_and_by_group_its_fingerprint()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = await SeedAsync(dir, ct);
        var now = DateTimeOffset.UtcNow;
        string Deploy(string action, TimeSpan ago, string release) =>
            $"{{\"action\":\"{action}\",\"stage\":\"production\",\"result\":\"succeeded\",\"user\":\"bob\",\"started\":\"{(now - ago):O}\",\"duration_ms\":0,\"release\":\"{release}\"}}";
        // r1 live from 4 h ago, r2 from 9 min ago, rolled back to r1 3.5 min ago.
        dir.Write(".slipway/history.jsonl", string.Join('\n',
            Deploy("deploy", TimeSpan.FromHours(4), "r1"), Deploy("deploy", TimeSpan.FromMinutes(9), "r2"), Deploy("rollback", TimeSpan.FromSeconds(210), "r1")) + "\n");
        var config = dir.Write("slipway.yml", "application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts:\n      - { host: web1.example.com, roles: [web] }\n");
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.WriteAsync([new LogEvent { ReceivedAt = now.AddMinutes(-2), Host = "web1", Program = "app", Message = "tb", Fingerprint = "0123456789abcdef0123456789abcdef" }], ct);
        }

        var (code, output) = await CliRunner.RunAsync("logs", "query", "-f", config, "--db", db, "--release", "r2");
        code.ShouldBe(0, output);
        output.TrimEnd('\n').Split('\n').Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ShouldBe(["GET /cart 200", "upstream timeout on /cart"]);

        (code, output) = await CliRunner.RunAsync("logs", "query", "-f", config, "--db", db, "--release", "r1");
        code.ShouldBe(0, output);
        output.TrimEnd('\n').Split('\n').Select(l => l[(l.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ShouldBe(["tb", "slow query", "old upstream timeout"]);

        (code, output) = await CliRunner.RunAsync("logs", "query", "--db", db, "--group", "0123456789abcdef0123456789abcdef", "--json");
        code.ShouldBe(0, output);
        output.TrimEnd('\n').Split('\n').Single().ShouldContain("\"message\":\"tb\"");

        (code, output) = await CliRunner.RunAsync("logs", "query", "-f", config, "--db", db, "--release", "r9");
        code.ShouldBe(2);
        output.ShouldContain("slipway: error: --release: 'r9' was never live according to the deploy history");
    }

    [Fact]
    public async Task Query_filters_and_prints_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = await SeedAsync(dir, ct);

        var (code, output) = await CliRunner.RunAsync("logs", "query", "--db", db, "--since", "1h", "--severity", "warning");

        code.ShouldBe(0);
        var lines = output.TrimEnd('\n').Split('\n');
        lines.Length.ShouldBe(2);
        lines[0].ShouldEndWith(" db1 postgres[99] warning: slow query");
        lines[1].ShouldEndWith(" web1 nginx err: upstream timeout on /cart");
    }

    [Fact]
    public async Task Query_json_is_one_object_per_line_with_stable_field_names()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = await SeedAsync(dir, ct);

        var (code, output) = await CliRunner.RunAsync("logs", "query", "--db", db, "--text", "upstream timeout", "--host", "web1", "--json");

        code.ShouldBe(0);
        var objects = output.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToList();
        objects.Count.ShouldBe(2);
        objects[0].GetProperty("message").GetString().ShouldBe("upstream timeout on /cart");
        objects[0].GetProperty("severity").GetString().ShouldBe("err");
        objects[0].GetProperty("host").GetString().ShouldBe("web1");
        objects[0].GetProperty("parse_error").GetBoolean().ShouldBeFalse();
        objects[1].GetProperty("message").GetString().ShouldBe("old upstream timeout");
    }

    [Theory]
    [InlineData("query --db x.db --since yesterday", "--since: 'yesterday' is not a duration")]
    [InlineData("query --db x.db --severity loud", "--severity: 'loud' is not one of")]
    [InlineData("query", "no database: give --db")]
    [InlineData("serve --db x.db", "nothing to listen on")]
    [InlineData("serve --db x.db --http 127.0.0.1:notaport", "is not HOST:PORT")]
    [InlineData("query --db redis://h/1", "Unknown database 'redis://'")]
    public async Task Usage_errors_exit_2_and_say_what_to_do(string args, string message)
    {
        var (code, output) = await CliRunner.RunAsync(["logs", .. args.Split(' ')]);
        code.ShouldBe(2, output);
        output.ShouldContain(message);
    }

    [Fact]
    public async Task Config_file_logs_section_supplies_the_database_and_rejects_unknown_keys()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var db = await SeedAsync(dir, ct);
        const string Head = "application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts: [{ host: 127.0.0.1 }]\n";
        var good = dir.Write("slipway.yml", Head + $"logs:\n  db: {db}\n");
        var (code, output) = await CliRunner.RunAsync("logs", "query", "-f", good, "--host", "db1");
        code.ShouldBe(0, output);
        output.ShouldContain("slow query");

        var bad = dir.Write("bad.yml", Head + $"logs:\n  db: {db}\n  databse: x\n");
        (code, output) = await CliRunner.RunAsync("logs", "query", "-f", bad);
        code.ShouldBe(2);
        output.ShouldContain("logs.databse: unknown key");
    }

    [Theory]
    [InlineData("logs", "serve")]
    [InlineData("logs serve", "--syslog-tcp <HOST:PORT>")]
    [InlineData("logs query", "--severity <SEVERITY>")]
    [InlineData("logs digest", "--dry-run")]
    public async Task Every_logs_command_has_help(string command, string expected)
    {
        var (code, output) = await CliRunner.RunAsync([.. command.Split(' '), "--help"]);
        code.ShouldBe(0);
        output.ShouldContain(expected);
    }
}
