using Microsoft.Extensions.Time.Testing;
using Slipway.Cli.Tests.Support;
using Slipway.Queue;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// <c>queue.rates</c>: a <c>slipway worker</c> in-process on a SQLite store and a fake clock starts no more jobs than the
/// rate lets through, whatever its concurrency; and the key's mistakes are config errors at their line.
/// </summary>
public sealed class QueueRateTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly TempDir _dir = new("slw-queue-rate-");

    public void Dispose() => _dir.Dispose();

    private string Db => _dir.File("queue.db");

    private string Config(string queueKeys) => _dir.Write("slipway.yml", $$"""
        application: shop
        deploy_to: /srv/shop
        stages:
          production:
            hosts: [{ host: h }]
        queue:
          url: {{Db}}
          worker: { poll: 50ms, concurrency: 5 }
        {{queueKeys}}
        """);

    [Fact(Timeout = 60_000)]
    public async Task A_worker_of_concurrency_five_starts_two_jobs_then_one_per_half_hour_under_a_rate_of_two_an_hour()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config("""
              rates: { mail: 2/h }
            """);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (var engine = QueueEngineFactory.Open("sqlite://" + Db, QueueEngineOptions.Default, clock))
        {
            await engine.InitializeAsync(ct);
            await engine.EnqueueManyAsync([.. Enumerable.Range(0, 5).Select(i => new NewJob("mail", $"{{\"n\": {i}}}"))], ct);
        }

        var output = new LiveOutput();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var run = Task.Run(() => CliRunner.RunAsync(["worker", "mail", "-f", file, "--", "true"], 200, clock, output, stop.Token), ct);
        CliResult result;
        try
        {
            (await Eventually.ForAsync(async () => await CountAsync(s => s.Succeeded) == 2, Patience, ct)).ShouldBeTrue(output.Text);

            // Half an hour later the bucket has one more token; the small steps after it fire the worker's poll timer
            // whenever it started waiting, and add up to far less than the next half hour.
            clock.Advance(TimeSpan.FromMinutes(30));
            (await Eventually.ForAsync(async () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                return await CountAsync(s => s.Succeeded) == 3;
            }, Patience, ct)).ShouldBeTrue(output.Text);
        }
        finally
        {
            await stop.CancelAsync();
            result = await run;
        }

        // Stopped, every job it had leased is finished: without the rate, its first lease would have taken all five.
        result.ExitCode.ShouldBe(ExitCodes.Success, result.Output);
        (await CountAsync(s => s.Succeeded)).ShouldBe(3);
        (await CountAsync(s => s.Ready)).ShouldBe(2);
    }

    [Fact(Timeout = 30_000)]
    public async Task Rate_mistakes_are_config_errors_at_their_line()
    {
        var file = Config("""
              rates:
                mail: 10
                thumbs: 0/s
            """);

        var check = await CliRunner.RunAsync(["config", "check", "-f", file], 100, TestContext.Current.CancellationToken);

        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, check.Output);
        check.Stderr.ShouldContain(":10:11: error: queue.rates.mail: must be a rate: jobs (1 to 1,000,000) per period, such as 10/s, 600/m or 5/10s, got \"10\"");
        check.Stderr.ShouldMatch(@":11:\d+: error: queue\.rates\.thumbs: must be a rate");
    }

    [Fact(Timeout = 30_000)]
    public async Task Rates_with_an_sqs_store_or_a_bad_queue_name_are_refused_at_their_line()
    {
        var file = _dir.Write("slipway.yml", """
            application: shop
            deploy_to: /srv/shop
            stages:
              production:
                hosts: [{ host: h }]
            queue:
              url: sqs://sqs.eu-west-1.amazonaws.com?prefix=shop-
              rates: { mail: 10/s, "no spaces": 5/m }
            """);

        var check = await CliRunner.RunAsync(["config", "check", "-f", file], 100, TestContext.Current.CancellationToken);

        check.ExitCode.ShouldBe(ExitCodes.UsageOrConfig, check.Output);
        check.Stderr.ShouldMatch(@":8:\d+: error: queue\.rates\.mail: not with the sqs engine: a rate limit across hosts needs shared state");
        check.Stderr.ShouldMatch(@":8:\d+: error: queue\.rates\.no spaces: 'no spaces' is not a queue name");
    }

    [Fact(Timeout = 30_000)]
    public async Task Config_show_prints_each_rate_in_its_shortest_form()
    {
        var file = Config("""
              rates: { mail: 600/60s, reports: 5/10s }
            """);

        var show = await CliRunner.RunAsync(["config", "show", "production", "-f", file], 100, TestContext.Current.CancellationToken);

        show.ExitCode.ShouldBe(ExitCodes.Success, show.Output);
        show.Stdout.ShouldMatch(@"mail: ['""]?600/m");
        show.Stdout.ShouldMatch(@"reports: ['""]?5/10s");
    }

    // Read straight from the file: the test's own view, independent of the commands under test.
    private async Task<long> CountAsync(Func<QueueStats, long> count)
    {
        await using var engine = QueueEngineFactory.Open("sqlite://" + Db);
        await engine.InitializeAsync(TestContext.Current.CancellationToken);
        return count(await engine.StatsAsync("mail", TestContext.Current.CancellationToken));
    }
}
