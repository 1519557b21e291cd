using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.Recipes.Tests;

/// <summary>The rollback step, run by /bin/sh against recorded plans and a manage.py that logs what it is asked.</summary>
public sealed class MigrationStepsTests : IDisposable
{
    private const string Older = """
        [X]  contenttypes.0001_initial
        [X]  pages.0001_initial
        [ ]  pages.0002_welcome

        """;

    private const string Newer = """
        [X]  contenttypes.0001_initial
        [X]  pages.0001_initial
        [X]  pages.0002_welcome
        [X]  shop.0001_initial
        [X]  pages.0003_more

        """;

    private readonly TempDir _dir = new("slipway-migrations");

    [Fact]
    public async Task Plain_rollback_lists_the_later_migrations_and_changes_nothing()
    {
        var (output, calls) = await RunAsync(reverse: false, Older, Newer);

        output.ShouldContain("::slipway:warning migrations applied after release r1 stay applied: pages.0002_welcome shop.0001_initial pages.0003_more (slipway rollback --migrate reverses them)");
        calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Rollback_with_migrate_reverses_each_app_to_its_state_in_the_target_newest_app_first()
    {
        var (output, calls) = await RunAsync(reverse: true, Older, Newer);

        calls.ShouldBe([
            "newer mysite.settings manage.py migrate shop zero --noinput",
            "newer mysite.settings manage.py migrate pages 0001_initial --noinput",
        ]);
        output.ShouldContain("::slipway:info reversed the migrations applied after release r1: pages.0002_welcome shop.0001_initial pages.0003_more");
    }

    [Fact]
    public async Task Nothing_is_said_when_no_migration_is_newer()
    {
        var (output, calls) = await RunAsync(reverse: true, Newer, Newer);

        output.ShouldNotContain("::slipway:warning");
        calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_target_without_a_record_is_reported_not_guessed()
    {
        var (output, calls) = await RunAsync(reverse: true, null, Newer);

        output.ShouldContain("::slipway:warning release r1 has no migrations record");
        calls.ShouldBeEmpty();
    }

    public void Dispose() => _dir.Dispose();

    private async Task<(string Output, List<string> Calls)> RunAsync(bool reverse, string? targetRecord, string newerRecord)
    {
        var ct = TestContext.Current.CancellationToken;
        var django = new DjangoRecipeConfig { Settings = "mysite.settings" };
        var log = _dir.File("calls.log");
        foreach (var (name, record) in new[] { ("r1", targetRecord), ("r2", newerRecord) })
        {
            var release = _dir.File(name);
            Directory.CreateDirectory(release + "/.slipway");
            Directory.CreateDirectory(release + "/venv/bin");
            if (record is not null)
            {
                await File.WriteAllTextAsync(release + "/.slipway/migrations", record, ct);
            }

            var python = release + "/venv/bin/python";
            await File.WriteAllTextAsync(python, $"#!/bin/sh\necho \"{(name == "r1" ? "target" : "newer")} $DJANGO_SETTINGS_MODULE $*\" >> {log}\n", ct);
            File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var hook = MigrationSteps.BeforeRollback(django, reverse);
        var script = $"""
            export SLIPWAY_RELEASE=r1 SLIPWAY_RELEASE_PATH={_dir.File("r1")} SLIPWAY_PREVIOUS_RELEASE=r2 SLIPWAY_PREVIOUS_RELEASE_PATH={_dir.File("r2")} SLIPWAY_SHARED_PATH={_dir.Path}
            cd {_dir.File("r1")} && /bin/sh -c {Core.Shell.ShellQuote.Quote(hook.Run)}
            """;
        var (code, stdout, stderr) = await ProcessTools.RunAsync("/bin/sh", ["-c", script], ct);
        code.ShouldBe(0, stdout + stderr);
        return (stdout, File.Exists(log) ? [.. await File.ReadAllLinesAsync(log, ct)] : []);
    }
}
