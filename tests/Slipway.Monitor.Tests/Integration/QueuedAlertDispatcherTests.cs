using Slipway.Monitor.Alerts;
using Slipway.Queue;
using Slipway.Queue.Workers;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Integration;

/// <summary>
/// Alerts kept in the real embedded job queue (a SQLite file) until a real command channel takes them: retried by the
/// queue after a failure, still sent after the monitor restarts, stored once when planned twice, and dead-lettered
/// when their attempts are spent.
/// </summary>
public sealed class QueuedAlertDispatcherTests : IDisposable
{
    private readonly TempDir _dir = new("slw-qalerts-");

    public void Dispose() => _dir.Dispose();

    private string Sent => _dir.File("sent");

    private string Tries => _dir.File("tries");

    private string Ok => _dir.File("ok");

    /// <summary>Counts every try in a file; fails until the test creates the "ok" file, then writes the alert's type.</summary>
    private CommandChannel Channel() => new(
        $"echo try >> {Tries}; test -e {Ok} || exit 2; echo \"$NOTIFICATIONTYPE $SLIPWAY_CHECK\" >> {Sent}", shell: true, TimeSpan.FromSeconds(10));

    private static readonly Notification Problem = new()
    {
        Type = "PROBLEM",
        Check = "site@web1",
        State = ServiceState.Critical,
        PreviousState = ServiceState.Ok,
        StateType = StateType.Hard,
        Attempt = 3,
        At = DateTimeOffset.UtcNow,
        Since = DateTimeOffset.UtcNow,
        Output = "HTTP CRITICAL - 502 Bad Gateway",
    };

    private sealed class Outbox : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IQueueEngine _engine;
        private Task _running = Task.CompletedTask;

        public Outbox(string file, int attempts, IAlertChannel channel)
        {
            _engine = QueueEngineFactory.Open("sqlite://" + file, new QueueEngineOptions
            {
                Retry = new RetryPolicy { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(200), Jitter = 0 },
            }, TimeProvider.System);
            var jobs = new QueueDurableJobs(_engine, file, new WorkerOptions { IdlePoll = TimeSpan.FromMilliseconds(100) });
            var fallback = new AlertDispatcher([channel], new DeliveryPolicy(), Report);
            Dispatcher = new QueuedAlertDispatcher([channel], jobs, attempts, fallback, Report, w => Warnings.Add(w));
        }

        public QueuedAlertDispatcher Dispatcher { get; }

        public IQueueEngine Engine => _engine;

        public List<DeliveryReport> Reports { get; } = [];

        public List<string> Warnings { get; } = [];

        private void Report(DeliveryReport report)
        {
            lock (Reports)
            {
                Reports.Add(report);
            }
        }

        public List<DeliveryReport> Snapshot()
        {
            lock (Reports)
            {
                return [.. Reports];
            }
        }

        public async Task StartAsync(CancellationToken ct)
        {
            await _engine.InitializeAsync(ct);
            _running = Dispatcher.RunAsync(_stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.WaitAsync(TimeSpan.FromSeconds(30));
            await _engine.DisposeAsync();
            _stop.Dispose();
        }
    }

    private static int Lines(string file) => File.Exists(file) ? File.ReadAllLines(file).Length : 0;

    [Fact(Timeout = 60_000)]
    public async Task A_failed_alert_is_retried_by_the_queue_and_sent_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var outbox = new Outbox(_dir.File("queue.db"), attempts: 5, Channel());
        await outbox.StartAsync(ct);
        outbox.Dispatcher.Enqueue(Problem).ShouldBeTrue();

        (await Eventually.ForAsync(() => outbox.Snapshot().Any(r => !r.Delivered && r.RetryIn is not null), TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
        var failed = outbox.Snapshot().First();
        failed.Channel.ShouldBe("command");
        failed.Attempt.ShouldBe(1);
        failed.Attempts.ShouldBe(5);
        failed.Error.ShouldNotBeNull().ShouldContain("exited 2");

        await File.WriteAllTextAsync(Ok, "", ct);
        (await Eventually.ForAsync(() => Lines(Sent) == 1, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
        (await File.ReadAllTextAsync(Sent, ct)).Trim().ShouldBe("PROBLEM site@web1");
        (await Eventually.ForAsync(() => outbox.Snapshot().Any(r => r.Delivered), TimeSpan.FromSeconds(10), ct)).ShouldBeTrue(
            string.Join("\n", outbox.Snapshot().Select(r => $"{r.Attempt} {r.Error} {r.RetryIn}")) + " " + await outbox.Engine.StatsAsync(QueuedAlertDispatcher.QueueFor("command"), ct));
        var stats = await outbox.Engine.StatsAsync(QueuedAlertDispatcher.QueueFor("command"), ct);
        stats.Succeeded.ShouldBe(1);
        (stats.Ready + stats.Running + stats.Dead).ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_alert_unsent_when_the_monitor_stops_is_sent_after_it_starts_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = _dir.File("queue.db");
        await using (var first = new Outbox(file, attempts: 10, Channel()))
        {
            await first.StartAsync(ct);
            first.Dispatcher.Enqueue(Problem);
            (await Eventually.ForAsync(() => first.Snapshot().Count > 0, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
            first.Snapshot().ShouldAllBe(r => !r.Delivered);
        }

        // The receiver is back; the restarted monitor plans nothing new, yet the stored alert goes out.
        await File.WriteAllTextAsync(Ok, "", ct);
        await using var second = new Outbox(file, attempts: 10, Channel());
        await second.StartAsync(ct);
        (await Eventually.ForAsync(() => Lines(Sent) == 1, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
        (await File.ReadAllTextAsync(Sent, ct)).Trim().ShouldBe("PROBLEM site@web1");
    }

    [Fact(Timeout = 60_000)]
    public async Task An_alert_planned_twice_is_stored_once_and_goes_to_the_dead_letter_list_when_its_attempts_are_spent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var outbox = new Outbox(_dir.File("queue.db"), attempts: 2, Channel());
        await outbox.StartAsync(ct);
        outbox.Dispatcher.Enqueue(Problem);
        outbox.Dispatcher.Enqueue(Problem with { Output = "planned again" });

        (await Eventually.ForAsync(() => outbox.Snapshot().Any(r => r.GivenUp), TimeSpan.FromSeconds(20), ct)).ShouldBeTrue();
        var given = outbox.Snapshot().Single(r => r.GivenUp);
        given.Attempt.ShouldBe(2);
        var stats = await outbox.Engine.StatsAsync(QueuedAlertDispatcher.QueueFor("command"), ct);
        stats.Dead.ShouldBe(1, "the same alert planned twice is one job");
        Lines(Tries).ShouldBe(2, "two attempts, then the dead-letter list");
        var dead = (await outbox.Engine.PeekAsync(new JobQuery(QueuedAlertDispatcher.QueueFor("command")) { State = JobState.Dead }, ct)).Single();
        dead.Payload.ShouldContain("site@web1");
        Lines(Sent).ShouldBe(0);
    }
}
