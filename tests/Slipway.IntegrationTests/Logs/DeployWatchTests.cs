using Slipway.Cli.Tests.Support;
using Slipway.IntegrationTests.Deploy;
using Slipway.Logs.Model;
using Slipway.Logs.Storage;
using Slipway.Logs.Tracebacks;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Logs;

/// <summary><c>slipway deploy --watch</c>: the new release's errors against the previous one's, and the groups it brought.</summary>
public sealed class DeployWatchTests
{
    private const string OldError = """
        Traceback (most recent call last):
          File "/srv/site/cart.py", line 3, in cart
            return {}["ABC-1"]
        KeyError: 'ABC-1'
        """;

    private const string NewError = """
        Traceback (most recent call last):
          File "/srv/site/payments.py", line 5, in payments
            raise TimeoutError("gateway timed out")
        TimeoutError: gateway timed out
        """;

    private static async Task LogAsync(string db, CancellationToken ct, params string[] tracebacks)
    {
        await using var store = LogStoreFactory.Open(db);
        await store.WriteAsync([.. tracebacks.Select(tb => TracebackFingerprint.Compute(tb)!).Zip(tracebacks, (info, tb) => new LogEvent
        {
            ReceivedAt = DateTimeOffset.UtcNow, Host = Environment.MachineName, Program = "django", Severity = 3, Message = tb,
            Fingerprint = info.Fingerprint, Title = info.Title,
        })], ct);
    }

    [Fact(Timeout = 240_000)]
    public async Task Watch_fails_a_deploy_whose_release_brings_a_never_seen_traceback_and_passes_one_that_does_not()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(1, ct);
        var db = Path.Combine(site.Root, "logs.db");
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
        }

        site.Configure(extra: $"logs:\n  db: {db}");
        (await site.RunAsync("deploy", "production")).ExitCode.ShouldBe(0);
        await LogAsync(db, ct, OldError);

        await site.CommitAsync("release B", ct);
        var live = new LiveOutput();
        var watched = site.RunAsync(live, "deploy", "production", "--watch", "4s");
        (await Eventually.ForAsync(() => live.Text.Contains("watching errors on production", StringComparison.Ordinal), TimeSpan.FromSeconds(60), ct))
            .ShouldBeTrue(live.Text);
        await LogAsync(db, ct, OldError, NewError);
        var (code, output) = await watched;

        code.ShouldBe(4, output);
        output.ShouldContain("watch: release " + site.Current(0) + " on production: 2 error(s) in the 4s after the deploy");
        output.ShouldContain("watch: 1 new traceback group(s) since the deploy:");
        output.ShouldContain("1x  TimeoutError: gateway timed out");
        output.ShouldNotContain("KeyError", customMessage: "seen under the previous release: not new");
        output.ShouldContain("the deploy stands; to undo it: slipway rollback production");

        // The setting watches without the flag; --watch 0 skips it for one run.
        site.Configure(extra: $"logs:\n  db: {db}\n  watch_after_deploy: 1s");
        await site.CommitAsync("release C", ct);
        var quiet = await site.RunAsync("deploy", "production");
        quiet.ExitCode.ShouldBe(0, quiet.Output);
        quiet.Output.ShouldContain("watch: no new traceback groups");

        await site.CommitAsync("release D", ct);
        var unwatched = await site.RunAsync("deploy", "production", "--watch", "0");
        unwatched.ExitCode.ShouldBe(0, unwatched.Output);
        unwatched.Output.ShouldNotContain("watching errors");
    }

    [Fact(Timeout = 120_000)]
    public async Task Watch_without_a_logs_store_or_with_json_is_refused_before_anything_is_deployed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(1, ct);
        site.Configure();

        var (code, output) = await site.RunAsync("deploy", "production", "--watch", "5m");
        code.ShouldBe(2, output);
        output.ShouldContain("--watch reads the central logs: set logs.db in");
        site.Releases(0).ShouldBeEmpty();

        (code, output) = await site.RunAsync("deploy", "production", "--watch", "5m", "--json");
        code.ShouldBe(2, output);
        output.ShouldContain("--watch prints its own lines; it cannot be combined with --json");
    }
}
