using Microsoft.Extensions.Time.Testing;
using Slipway.Cli.Commands.Agent;

namespace Slipway.Cli.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HealthProbeTests
{
    [Fact]
    public async Task Attempts_pause_on_the_clock_and_stop_at_the_first_success()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var task = HealthProbe.RunAsync(_ => Task.FromResult(++attempts < 3 ? new ProbeAttempt(503, "HTTP 503, expected 200") : new ProbeAttempt(200, null)),
            retries: 5, TimeSpan.FromSeconds(2), time, TestContext.Current.CancellationToken);
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
        var task = HealthProbe.RunAsync(_ => Task.FromResult(new ProbeAttempt(null, "Connection refused")), retries: 2, TimeSpan.FromSeconds(1), time,
            TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(1));

        var (last, count) = await task;
        last.Error.ShouldBe("Connection refused");
        count.ShouldBe(2);
        (time.GetUtcNow() - start).ShouldBe(TimeSpan.FromSeconds(1));
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
