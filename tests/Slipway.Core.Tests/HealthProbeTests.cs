using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Probes;

namespace Slipway.Core.Tests;

public sealed class HealthProbeTests
{
    [Fact]
    public async Task Attempts_pause_on_the_clock_and_stop_at_the_first_success()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var task = HealthProbe.RetryAsync(_ => Task.FromResult(++attempts < 3 ? new ProbeResult(503, "HTTP 503, expected 200") : new ProbeResult(200, null)),
            retries: 5, TimeSpan.FromSeconds(2), TimeSpan.Zero, time, TestContext.Current.CancellationToken);
        for (var i = 0; i < 10 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await Task.Yield();
        }

        var (last, count) = await task;
        last.Error.ShouldBeNull();
        count.ShouldBe(3);
        attempts.ShouldBe(3);
    }

    [Fact]
    public async Task The_last_failure_is_reported_after_the_last_attempt_without_a_final_pause()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        var task = HealthProbe.RetryAsync(_ => Task.FromResult(new ProbeResult(null, "Connection refused")), retries: 2, TimeSpan.FromSeconds(1), TimeSpan.Zero, time,
            TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(1));

        var (last, count) = await task;
        last.Error.ShouldBe("Connection refused");
        count.ShouldBe(2);
        (time.GetUtcNow() - start).ShouldBe(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Failures_within_the_start_period_do_not_count()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        // Refused for 10 s (a slow starter), then up: with 3 retries alone it would have failed after 2 s.
        var task = HealthProbe.RetryAsync(_ => Task.FromResult(++attempts <= 10 ? new ProbeResult(null, "connection refused") : new ProbeResult(200, null)),
            retries: 3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), time, TestContext.Current.CancellationToken);
        for (var i = 0; i < 30 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        var (last, count) = await task;
        last.Healthy.ShouldBeTrue();
        count.ShouldBe(11);
    }

    [Fact]
    public async Task A_start_period_still_ends_in_failure_after_the_retries_that_follow_it()
    {
        var time = new FakeTimeProvider();
        var task = HealthProbe.RetryAsync(_ => Task.FromResult(new ProbeResult(null, "connection refused")),
            retries: 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), time, TestContext.Current.CancellationToken);
        for (var i = 0; i < 30 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        var (last, count) = await task;
        last.Error.ShouldBe("connection refused");
        count.ShouldBe(7); // attempts at 0..4 s do not count; those at 5 and 6 s do
    }

    [Theory]
    [InlineData("127.0.0.1:5432", "127.0.0.1", 5432)]
    [InlineData("[::1]:80", "::1", 80)]
    [InlineData("db:0", null, 0)]
    [InlineData("nohost", null, 0)]
    public void Host_and_port(string text, string? host, int port)
    {
        var split = HealthProbe.SplitHostPort(text);
        split?.Host.ShouldBe(host);
        (split?.Port ?? 0).ShouldBe(port);
    }
}
