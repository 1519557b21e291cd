using Microsoft.Extensions.Time.Testing;
using Slipway.Core;
using Slipway.Queue.Internal;

namespace Slipway.Queue.Tests;

/// <summary>
/// The token bucket behind <c>queue.rates</c> on a fake clock: what a lease may start, and what the bucket holds after.
/// The engines keep <c>full_at</c> in the store; here it is a local, as one host would see it.
/// </summary>
public sealed class RateGateTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private double? _fullAt;

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A lease that wants <paramref name="wanted"/> jobs and has that many waiting.</summary>
    private int Lease(Rate rate, int wanted)
    {
        var allowed = RateGate.Allowed(rate, _fullAt, Now, wanted);
        if (allowed > 0)
        {
            _fullAt = RateGate.After(rate, _fullAt, Now, allowed);
        }

        return allowed;
    }

    [Fact]
    public void A_fresh_bucket_starts_the_whole_count_then_one_per_interval()
    {
        var rate = new Rate(10, TimeSpan.FromSeconds(1));
        Lease(rate, 25).ShouldBe(10);
        Lease(rate, 25).ShouldBe(0);
        _clock.Advance(TimeSpan.FromMilliseconds(99));
        Lease(rate, 25).ShouldBe(0);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Lease(rate, 25).ShouldBe(1);
        _clock.Advance(TimeSpan.FromMilliseconds(450));
        Lease(rate, 25).ShouldBe(4);
    }

    [Fact]
    public void A_lease_that_takes_fewer_jobs_than_allowed_leaves_the_rest_in_the_bucket()
    {
        var rate = new Rate(5, TimeSpan.FromMinutes(1));
        Lease(rate, 2).ShouldBe(2);
        Lease(rate, 2).ShouldBe(2);
        Lease(rate, 2).ShouldBe(1);
        Lease(rate, 2).ShouldBe(0);
    }

    [Fact]
    public void A_quiet_spell_banks_no_more_than_the_count()
    {
        var rate = new Rate(3, TimeSpan.FromSeconds(10));
        Lease(rate, 3).ShouldBe(3);
        _clock.Advance(TimeSpan.FromHours(5));
        Lease(rate, 100).ShouldBe(3);
        Lease(rate, 100).ShouldBe(0);
    }

    [Fact]
    public void An_interval_that_is_not_a_whole_millisecond_keeps_the_rate_over_an_hour()
    {
        // 3/s: a token every 333.33… ms. Leasing at each third of a second for an hour starts 3 a second (the bucket is
        // kept as a double of Unix ms, whose rounding may shift the last token by a millisecond, never more).
        var rate = new Rate(3, TimeSpan.FromSeconds(1));
        Lease(rate, 3).ShouldBe(3);
        var started = 0;
        for (var second = 0; second < 3600; second++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(333));
            started += Lease(rate, 10);
            _clock.Advance(TimeSpan.FromMilliseconds(333));
            started += Lease(rate, 10);
            _clock.Advance(TimeSpan.FromMilliseconds(334));
            started += Lease(rate, 10);
        }

        started.ShouldBeInRange((3 * 3600) - 1, 3 * 3600);
    }

    [Fact]
    public void Greedy_workers_polling_every_50ms_start_the_rate_and_at_most_the_count_plus_the_rate_in_any_window()
    {
        var rate = new Rate(10, TimeSpan.FromSeconds(1));
        var starts = new List<long>();
        var first = Now;
        for (var tick = 0; tick < 1200; tick++) // 60 s
        {
            starts.AddRange(Enumerable.Repeat(Now, Lease(rate, 100)));
            _clock.Advance(TimeSpan.FromMilliseconds(50));
        }

        starts.Count.ShouldBeInRange(600, 610);

        // Over any span d the bucket lets at most count + count · d / per through: 19 in any second (burst then refill).
        var most = starts.Select(s => starts.Count(t => t >= s && t < s + 1000)).Max();
        most.ShouldBeLessThanOrEqualTo(20);
        starts.Count(t => t >= first + 30_000 && t < first + 31_000).ShouldBe(10); // steady: the rate, no more
    }

    [Theory]
    [InlineData("10/s", 10, 1_000)]
    [InlineData("600/m", 600, 60_000)]
    [InlineData("5/10s", 5, 10_000)]
    [InlineData(" 3 / 1500ms ", 3, 1_500)]
    [InlineData("1000/d", 1000, 86_400_000)]
    public void Rates_parse_as_a_count_per_period(string text, int count, long perMs) =>
        Rate.Parse(text).ShouldBe(new Rate(count, TimeSpan.FromMilliseconds(perMs)));

    [Theory]
    [InlineData("10")]
    [InlineData("10/")]
    [InlineData("/s")]
    [InlineData("0/s")]
    [InlineData("-1/s")]
    [InlineData("1000001/s")]
    [InlineData("10/5")]
    [InlineData("10/0s")]
    [InlineData("10/fortnight")]
    [InlineData("10/s/m")]
    public void Anything_else_is_not_a_rate(string text) => Rate.Parse(text).ShouldBeNull();

    [Theory]
    [InlineData("10/s", "10/s")]
    [InlineData("600/60s", "600/m")]
    [InlineData("5/10s", "5/10s")]
    [InlineData("3/1500ms", "3/1500ms")]
    public void A_rate_prints_in_its_shortest_form_that_parses_back(string text, string shown)
    {
        Rate.Parse(text)!.Value.ToString().ShouldBe(shown);
        Rate.Parse(shown).ShouldBe(Rate.Parse(text));
    }
}
