using Microsoft.Extensions.Time.Testing;
using Slipway.Monitor.Alerts;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Alerts;

/// <summary>Delivery on a fake clock: retries after growing waits, each channel on its own, in order, without duplicates.</summary>
public sealed class AlertDispatcherTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static Notification Problem(string check = "web@h1", int number = 1) => new()
    {
        Type = "PROBLEM", Check = check, State = ServiceState.Critical, PreviousState = ServiceState.Ok, StateType = StateType.Hard,
        Attempt = 3, At = T0, Since = T0, Number = number, Output = "CRITICAL - refused",
    };

    /// <summary>Fails the first <paramref name="failures"/> tries, then records what it was sent.</summary>
    private sealed class FlakyChannel(string name, int failures) : IAlertChannel
    {
        private int _tries;

        public string Name => name;

        public List<string> Delivered { get; } = [];

        public int Tries => Volatile.Read(ref _tries);

        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            if (Interlocked.Increment(ref _tries) <= failures)
            {
                throw new AlertDeliveryException("connection refused");
            }

            lock (Delivered)
            {
                Delivered.Add(notification.Type + " " + notification.Check + " #" + notification.Number);
            }

            return Task.CompletedTask;
        }
    }

    [Fact]
    public void The_wait_doubles_after_each_failed_try_up_to_ten_minutes()
    {
        var policy = new DeliveryPolicy { FirstDelay = TimeSpan.FromSeconds(10) };
        policy.DelayAfter(1).ShouldBe(TimeSpan.FromSeconds(10));
        policy.DelayAfter(2).ShouldBe(TimeSpan.FromSeconds(20));
        policy.DelayAfter(3).ShouldBe(TimeSpan.FromSeconds(40));
        policy.DelayAfter(7).ShouldBe(TimeSpan.FromMinutes(10));
        policy.DelayAfter(60).ShouldBe(TimeSpan.FromMinutes(10));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failed_delivery_is_retried_after_the_backoff_and_the_other_channel_is_not_held_up()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(T0);
        var flaky = new FlakyChannel("mail", failures: 2);
        var healthy = new FlakyChannel("webhook", failures: 0);
        var reports = new List<DeliveryReport>();
        var dispatcher = new AlertDispatcher([flaky, healthy], new DeliveryPolicy { Attempts = 5, FirstDelay = TimeSpan.FromSeconds(10) },
            r => { lock (reports) { reports.Add(r); } }, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = dispatcher.RunAsync(stop.Token);

        dispatcher.Enqueue(Problem()).ShouldBeTrue();
        (await Eventually.ForAsync(() => healthy.Delivered.Count == 1 && flaky.Tries == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        flaky.Delivered.ShouldBeEmpty();

        time.Advance(TimeSpan.FromSeconds(9));
        (await Eventually.ForAsync(() => flaky.Tries == 2, TimeSpan.FromMilliseconds(300), ct)).ShouldBeFalse("the first retry waits 10 s");
        time.Advance(TimeSpan.FromSeconds(1));
        (await Eventually.ForAsync(() => flaky.Tries == 2, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        time.Advance(TimeSpan.FromSeconds(19));
        (await Eventually.ForAsync(() => flaky.Tries == 3, TimeSpan.FromMilliseconds(300), ct)).ShouldBeFalse("the second retry waits 20 s");
        time.Advance(TimeSpan.FromSeconds(1));
        (await Eventually.ForAsync(() => flaky.Delivered.Count == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), ct);
        lock (reports)
        {
            reports.Where(r => r.Channel == "mail").Select(r => (r.Attempt, r.Delivered, r.RetryIn))
                .ShouldBe([(1, false, TimeSpan.FromSeconds(10)), (2, false, TimeSpan.FromSeconds(20)), (3, true, null)]);
            reports.Single(r => r.Channel == "webhook").Delivered.ShouldBeTrue();
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task A_channel_that_keeps_failing_is_given_up_after_its_attempts_and_the_next_alert_goes_out()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(T0);
        var channel = new FlakyChannel("command", failures: 3);
        var reports = new List<DeliveryReport>();
        var dispatcher = new AlertDispatcher([channel], new DeliveryPolicy { Attempts = 3, FirstDelay = TimeSpan.FromSeconds(1) },
            r => { lock (reports) { reports.Add(r); } }, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = dispatcher.RunAsync(stop.Token);

        dispatcher.Enqueue(Problem("a@h1"));
        dispatcher.Enqueue(Problem("b@h1"));
        for (var i = 0; i < 3 && channel.Delivered.Count == 0; i++)
        {
            await Eventually.ForAsync(() => channel.Tries > i, TimeSpan.FromSeconds(10), ct);
            time.Advance(TimeSpan.FromSeconds(2));
        }

        (await Eventually.ForAsync(() => channel.Delivered.Count == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        channel.Delivered.ShouldBe(["PROBLEM b@h1 #1"]);
        lock (reports)
        {
            var givenUp = reports.Single(r => r.GivenUp);
            givenUp.Notification.Check.ShouldBe("a@h1");
            givenUp.Attempt.ShouldBe(3);
        }

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_same_alert_queued_twice_is_sent_once_but_a_renotification_is_sent()
    {
        var ct = TestContext.Current.CancellationToken;
        var channel = new FlakyChannel("webhook", failures: 0);
        var dispatcher = new AlertDispatcher([channel], new DeliveryPolicy(), _ => { });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = dispatcher.RunAsync(stop.Token);

        dispatcher.Enqueue(Problem()).ShouldBeTrue();
        (await Eventually.ForAsync(() => channel.Delivered.Count == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();
        dispatcher.Enqueue(Problem()).ShouldBeFalse("already sent");
        dispatcher.Enqueue(Problem(number: 2)).ShouldBeTrue();
        (await Eventually.ForAsync(() => channel.Delivered.Count == 2, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), ct);
        channel.Delivered.ShouldBe(["PROBLEM web@h1 #1", "PROBLEM web@h1 #2"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Stopping_gives_what_waits_for_a_retry_one_last_try()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(T0);
        var channel = new FlakyChannel("mail", failures: 1);
        var dispatcher = new AlertDispatcher([channel], new DeliveryPolicy { FirstDelay = TimeSpan.FromMinutes(5) }, _ => { }, time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = dispatcher.RunAsync(stop.Token);
        dispatcher.Enqueue(Problem());
        (await Eventually.ForAsync(() => channel.Tries == 1, TimeSpan.FromSeconds(10), ct)).ShouldBeTrue();

        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10), ct);

        channel.Delivered.ShouldBe(["PROBLEM web@h1 #1"]);
    }
}
