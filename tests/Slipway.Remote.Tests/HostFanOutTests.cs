namespace Slipway.Remote.Tests;

/// <summary>The one fan-out over hosts: bounded, ordered, and every failure, time-out or Ctrl-C stays that host's.</summary>
public sealed class HostFanOutTests
{
    private static string Fault(string item, HostFault fault) => $"{item}: {fault.Kind}: {fault.Message}";

    [Fact]
    public async Task Results_come_back_in_the_order_of_the_items_whatever_order_they_finish_in()
    {
        var ct = TestContext.Current.CancellationToken;
        var gates = new[] { new TaskCompletionSource(), new TaskCompletionSource(), new TaskCompletionSource() };
        var run = HostFanOut.RunAsync([0, 1, 2], 3, async (i, _) =>
        {
            await gates[i].Task;
            return $"done {i}";
        }, (i, f) => Fault(i.ToString(System.Globalization.CultureInfo.InvariantCulture), f), ct);

        gates[2].SetResult();
        gates[0].SetResult();
        gates[1].SetResult();

        (await run.WaitAsync(TimeSpan.FromSeconds(10), ct)).ShouldBe(["done 0", "done 1", "done 2"]);
    }

    [Fact]
    public async Task At_most_max_parallel_items_work_at_once()
    {
        var ct = TestContext.Current.CancellationToken;
        var running = 0;
        var most = 0;
        await HostFanOut.RunAsync(Enumerable.Range(0, 12).ToList(), 3, async (i, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Yield();
            await Task.Delay(5, ct);
            Interlocked.Decrement(ref running);
            return i;
        }, (i, _) => -1, ct).WaitAsync(TimeSpan.FromSeconds(10), ct);

        most.ShouldBeLessThanOrEqualTo(3);
        most.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_lost_connection_a_local_failure_and_a_time_out_are_each_only_that_hosts_fault()
    {
        var ct = TestContext.Current.CancellationToken;
        var results = await HostFanOut.RunAsync(["ok", "gone", "pipe", "slow"], 4, async (item, token) =>
        {
            switch (item)
            {
                case "gone":
                    throw new RemoteConnectionException("lost the connection");
                case "pipe":
                    throw new IOException("broken pipe");
                case "slow":
                    await Task.Delay(Timeout.InfiniteTimeSpan, token);
                    break;
            }

            return item + ": ok";
        }, Fault, ct, perHostTimeout: TimeSpan.FromMilliseconds(100)).WaitAsync(TimeSpan.FromSeconds(10), ct);

        results.ShouldBe(["ok: ok", "gone: Unreachable: lost the connection", "pipe: Unreachable: broken pipe", "slow: TimedOut: timed out after 0.1s"]);
    }

    [Fact]
    public async Task Cancellation_ends_every_host_as_cancelled_including_those_still_waiting_for_their_turn()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var started = new TaskCompletionSource();
        var run = HostFanOut.RunAsync(["a", "b", "c"], 1, async (item, token) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return item;
        }, Fault, cts.Token);

        await started.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        await cts.CancelAsync();

        (await run.WaitAsync(TimeSpan.FromSeconds(10), ct)).ShouldBe(["a: Cancelled: cancelled", "b: Cancelled: cancelled", "c: Cancelled: cancelled"]);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
