using System.Text.Json;
using System.Xml.Linq;
using Slipway.Cli.Tests.Support;
using Slipway.Core;
using Slipway.Logs.Model;
using Slipway.Logs.Storage;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// The CLI contract (issues 14 and 21), pinned for every command in the command tree. The commands come from the
/// CommandApp's own model, so a command added later is walked too and cannot forget the contract.
/// </summary>
public sealed class CliContractTests : IDisposable
{
    // Commands that read no slipway.yml: they run on the hosts (agent), keep supervisord's -c (supervise), or only hash.
    private static readonly string[] NoConfigFile = ["agent ", "supervise", "logs passwd", "cli "];

    private readonly TempDir _dir = new("slw-contract-");

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string> Commands() => [.. Leaves(SlipwayApp.Model()).Select(l => l.Path)];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_unknown_option_is_refused_with_exit_2_before_anything_runs(string command)
    {
        var leaf = await LeafAsync(command);

        var result = await CliRunner.RunAsync([.. leaf.Words, .. leaf.RequiredArguments, "--bogus-option"]);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith("slipway: error: unknown option '--bogus-option'");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_unexpected_argument_is_refused_with_exit_2(string command)
    {
        var leaf = await LeafAsync(command);
        if (leaf.HasOptionalArguments)
        {
            return; // a spare word fills the optional argument; there is nothing unexpected to refuse
        }

        var result = await CliRunner.RunAsync([.. leaf.Words, .. leaf.RequiredArguments, "unexpected-word"]);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldStartWith("slipway: error: ");
        result.Stderr.ShouldContain("unexpected-word");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Every_command_that_reads_slipway_yml_takes_f(string command)
    {
        var leaf = await LeafAsync(command);
        if (NoConfigFile.Any(prefix => command.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return;
        }

        leaf.Options.ShouldContain("-f", $"slipway {command} must name slipway.yml with -f|--file");
        leaf.Options.ShouldContain("--file");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task With_json_and_a_bad_config_stdout_is_exactly_json_and_the_errors_are_on_stderr(string command)
    {
        var leaf = await LeafAsync(command);
        if (!leaf.Options.Contains("--json") || !leaf.Options.Contains("-f"))
        {
            return;
        }

        var bad = _dir.Write("bad.yml", "application: shop\ndeploy_to: srv\nstages: {}\n");
        string[] tail = command == "exec" ? ["--", "true"] : [];

        var result = await CliRunner.RunAsync([.. leaf.Words, .. leaf.RequiredArguments, "-f", bad, "--json", .. tail]);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldNotBeEmpty("stdout must carry one JSON document even when the config is bad");
        foreach (var line in lines)
        {
            Should.NotThrow(() => JsonDocument.Parse(line).Dispose(), $"not JSON: {line}");
        }

        // config check's JSON report carries the diagnostics itself; every other command prints them on stderr.
        (command == "config check" ? result.Stdout : result.Stderr).ShouldContain("must be an absolute path");
    }

    [Fact]
    public async Task A_typo_gets_the_closest_option_and_deploy_contacts_no_host()
    {
        var deployTo = _dir.File("site");
        var file = _dir.Write("slipway.yml", $"application: shop\ndeploy_to: {deployTo}\nstages:\n  local:\n    hosts:\n      - {{ host: localhost, transport: local }}\n");

        var result = await CliRunner.RunAsync("deploy", "local", "--dryrun", "-f", file);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldBe("slipway: error: unknown option '--dryrun'; did you mean '--dry-run'?\n");
        Directory.Exists(deployTo).ShouldBeFalse("nothing may run: the local host's deploy_to stays untouched");
    }

    [Fact]
    public async Task Words_after_the_double_dash_are_the_remote_command_even_when_they_look_like_options()
    {
        var file = _dir.Write("slipway.yml", "application: shop\ndeploy_to: /srv/shop\nstages:\n  local:\n    hosts:\n      - { host: localhost, transport: local }\n");

        var result = await CliRunner.RunAsync("exec", "local", "-f", file, "--", "echo", "--not-ours");

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stdout.ShouldContain("--not-ours");
        result.Stderr.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("1d", 86400)]
    [InlineData("500ms", 0.5)]
    [InlineData("2w", 1209600)]
    [InlineData("90", 90)]
    [InlineData("1.5h", 5400)]
    public void One_duration_syntax(string text, double seconds) =>
        Durations.Parse(text).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Theory]
    [InlineData("soon")]
    [InlineData("-1s")]
    [InlineData("3y")]
    [InlineData("")]
    public void Not_durations(string text) => Durations.Parse(text).ShouldBeNull();

    [Fact]
    public async Task Deploy_wait_takes_days_like_every_other_duration()
    {
        var file = _dir.Write("slipway.yml", "application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts:\n      - { host: web1.invalid }\n");

        var result = await CliRunner.RunAsync("deploy", "production", "--wait", "1d", "--dry-run", "-f", file);

        result.Stderr.ShouldNotContain("--wait");
    }

    [Theory]
    [InlineData("query")]
    [InlineData("digest")]
    public async Task Reading_commands_never_create_a_sqlite_store(string command)
    {
        var missing = _dir.File("typo/log.db");
        Directory.CreateDirectory(Path.GetDirectoryName(missing)!);

        string[] extra = command == "digest" ? ["--dry-run"] : [];

        var result = await CliRunner.RunAsync(["logs", command, "--db", missing, .. extra]);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
        result.Stderr.ShouldContain($"no SQLite database at {missing}");
        result.Stdout.ShouldBeEmpty();
        File.Exists(missing).ShouldBeFalse();
    }

    [Fact]
    public async Task A_sqlite_file_without_slipways_schema_says_so()
    {
        var empty = _dir.Write("other.db", "");

        var result = await CliRunner.RunAsync("logs", "query", "--db", empty);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, result.Output);
        result.Stderr.ShouldContain("has no Slipway log schema");
    }

    [Fact]
    public async Task Logs_query_text_output()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = _dir.File("logs.db");
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
            var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
            await store.WriteAsync(
            [
                new LogEvent { ReceivedAt = at, Host = "web1", Program = "nginx", Severity = 3, Message = "upstream timed out on /cart" },
                new LogEvent { ReceivedAt = at.AddMinutes(1), Host = "db1", Program = "postgres", ProcId = "4711", Severity = 4, Message = "slow query: 2.3 s" },
                new LogEvent { ReceivedAt = at.AddMinutes(2), Host = "web2", Program = "gunicorn", Severity = 6, Message = "Booting worker with pid: 12" },
            ], ct);
        }

        var result = await CliRunner.RunAsync("logs", "query", "--db", db);

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stderr.ShouldBeEmpty();
        Golden.Verify(result.Stdout, "Logs", "query-text");
    }

    [Fact]
    public async Task Logs_query_since_counts_back_from_the_clock_it_is_given()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = _dir.File("logs.db");
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
            await store.WriteAsync(
            [
                new LogEvent { ReceivedAt = at, Host = "web1", Program = "nginx", Message = "old" },
                new LogEvent { ReceivedAt = at.AddMinutes(2), Host = "web2", Program = "nginx", Message = "recent" },
            ], ct);
        }

        var result = await CliRunner.RunAsync(new FixedClock(at.AddMinutes(2.5)), "logs", "query", "--db", db, "--since", "1m");

        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        result.Stdout.ShouldBe("2026-11-30 08:02:00 web2 nginx notice: recent\n");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public async Task Logs_commands_take_f_and_still_the_old_config_with_a_notice()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = _dir.File("logs.db");
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
        }

        var file = _dir.Write("slipway.yml", $"application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts: [{{ host: h }}]\nlogs:\n  db: {db}\n");

        var modern = await CliRunner.RunAsync("logs", "query", "-f", file);
        var old = await CliRunner.RunAsync("logs", "query", "--config", file);

        modern.ExitCode.ShouldBe(ExitCodes.Success, modern.Output);
        modern.Stderr.ShouldBeEmpty();
        old.ExitCode.ShouldBe(ExitCodes.Success, old.Output);
        old.Stderr.ShouldBe("slipway: warning: --config is deprecated; use -f/--file (every command names slipway.yml with -f).\n");
    }

    [Fact]
    public async Task Config_check_reports_logs_section_errors_with_line_column_and_key()
    {
        var file = _dir.Write("slipway.yml", "application: shop\ndeploy_to: /srv/shop\nstages:\n  production:\n    hosts: [{ host: h }]\nlogs:\n  users:\n    alice: not-a-hash\n  digest:\n    schedule: every day\n");

        var result = await CliRunner.RunAsync("config", "check", "-f", file);

        result.ExitCode.ShouldBe(ExitCodes.UsageOrConfig);
        result.Stdout.ShouldBeEmpty();
        result.Stderr.ShouldContain(":8:12: error: logs.users.alice: is not a");
        result.Stderr.ShouldContain(":10:15: error: logs.digest.schedule: 'every day' is not a cron expression");
    }

    // Distinct words for required arguments, so that e.g. promote FROM TO gets two different stages.
    private static readonly string[] StageNames = ["production", "staging", "web"];

    private sealed record Leaf(string Path, string[] Words, string[] RequiredArguments, bool HasOptionalArguments, HashSet<string> Options);

    private static Task<XDocument> ModelAsync() => SlipwayApp.ModelAsync(CancellationToken.None);

    private static async Task<Leaf> LeafAsync(string path) =>
        Leaves(await ModelAsync()).Single(l => l.Path == path);

    private static IEnumerable<Leaf> Leaves(XDocument model)
    {
        foreach (var command in model.Descendants("Command").Where(c => (string?)c.Attribute("IsBranch") == "false"))
        {
            var words = command.AncestorsAndSelf("Command").Reverse().Select(c => (string)c.Attribute("Name")!).ToArray();
            var parameters = command.Elements("Parameters").ToList();
            var arguments = parameters.Elements("Argument").ToList();
            var options = parameters.Elements("Option")
                .SelectMany(o => new[] { "-" + (string?)o.Attribute("Short"), "--" + (string?)o.Attribute("Long") })
                .Where(o => o.Length > 1 && o != "--")
                .ToHashSet(StringComparer.Ordinal);
            yield return new Leaf(
                string.Join(' ', words),
                words,
                [.. arguments.Where(a => (string?)a.Attribute("Required") == "true").Select((_, i) => StageNames[i % StageNames.Length])],
                arguments.Any(a => (string?)a.Attribute("Required") != "true"),
                options);
        }
    }
}
