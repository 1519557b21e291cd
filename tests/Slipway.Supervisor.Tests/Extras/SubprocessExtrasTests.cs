using Microsoft.Extensions.Time.Testing;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Tests.Extras;

/// <summary>The state machine with restartdelay, backoff_max and a dependency gate, on a fake clock.</summary>
public sealed class SubprocessExtrasTests
{
    private sealed class GateHost : IProcessHost
    {
        public bool Ready { get; set; } = true;

        public int Spawns { get; private set; }

        public SpawnedChild Spawn(Subprocess process)
        {
            Spawns++;
            return new SpawnedChild(100 + Spawns, -1, -1, -1);
        }

        public int Kill(int pid, int signal) => 0;

        public void Detach(Subprocess process)
        {
        }

        public void Log(string level, string message)
        {
        }

        public void StateChanged(Subprocess process, ProcessState from, bool expected)
        {
        }

        public bool MayStart(Subprocess process) => Ready;
    }

    private static readonly LogChannelConfig Channel = new(null, true, 0, 0, 0, false, false);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly GateHost _host = new();

    private Subprocess Make(ProcessExtras extras, Func<ProcessConfig, ProcessConfig>? tweak = null)
    {
        var config = new ProcessConfig { Name = "web", Command = "/bin/true", Stdout = Channel, Stderr = Channel, Extras = extras };
        return new Subprocess(tweak?.Invoke(config) ?? config, "web", _host, _time);
    }

    private double Now => _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    [Theory]
    [InlineData(null, new double[] { 1, 2, 3, 4, 5 })]
    [InlineData(4, new double[] { 1, 2, 4, 4, 4 })]
    [InlineData(60, new double[] { 1, 2, 4, 8, 16 })]
    public void Backoff_is_linear_as_supervisord_or_doubles_up_to_backoff_max(int? max, double[] delays)
    {
        for (var n = 1; n <= delays.Length; n++)
        {
            Subprocess.BackoffDelay(n, max).ShouldBe(delays[n - 1]);
        }
    }

    [Fact]
    public void Backoff_max_spaces_the_retries_of_a_process_that_exits_at_once()
    {
        var p = Make(new ProcessExtras { BackoffMax = 2 }, c => c with { StartRetries = 3 });
        p.Transition(true);
        foreach (var delay in new[] { 1.0, 2.0, 2.0 })
        {
            p.Finish(1 << 8);
            p.State.ShouldBe(ProcessState.Backoff);
            p.Delay.ShouldBe(Now + delay, 0.0001);
            _time.Advance(TimeSpan.FromSeconds(delay) - TimeSpan.FromMilliseconds(10));
            p.Transition(true);
            p.State.ShouldBe(ProcessState.Backoff);
            _time.Advance(TimeSpan.FromMilliseconds(20));
            p.Transition(true);
            p.State.ShouldBe(ProcessState.Starting);
        }

        p.Finish(1 << 8);
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Fatal);
    }

    [Fact]
    public void Restartdelay_holds_an_exited_process_back_then_restarts_it()
    {
        var p = Make(new ProcessExtras { RestartDelay = 3 }, c => c with { AutoRestart = AutoRestart.Always, StartSecs = 0 });
        p.Transition(true);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Running);
        p.Finish(0);
        p.State.ShouldBe(ProcessState.Exited);
        p.NextDeadline(true)!.Value.ShouldBe(Now + 3.001, 0.0001);
        _time.Advance(TimeSpan.FromSeconds(2.9));
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Exited);
        _time.Advance(TimeSpan.FromSeconds(0.2));
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Starting);
        _host.Spawns.ShouldBe(2);
        p.Starts.ShouldBe(2);
    }

    [Fact]
    public void Restartdelay_max_doubles_the_wait_of_a_crash_loop_up_to_the_cap_and_a_long_run_resets_it()
    {
        var p = Make(new ProcessExtras { RestartDelay = 1, RestartDelayMax = 4 }, c => c with { AutoRestart = AutoRestart.Always, StartSecs = 1 });
        p.Transition(true);
        var waits = new List<double>();
        for (var crash = 0; crash < 4; crash++)
        {
            _time.Advance(TimeSpan.FromSeconds(2)); // up past startsecs, then crashes: BACKOFF never sees it
            p.Transition(true);
            p.State.ShouldBe(ProcessState.Running);
            p.Finish(1 << 8);
            p.State.ShouldBe(ProcessState.Exited);
            waits.Add(Math.Round(p.NextDeadline(true)!.Value - Now, 3));
            _time.Advance(TimeSpan.FromSeconds(p.RestartDelay - 0.01));
            p.Transition(true);
            p.State.ShouldBe(ProcessState.Exited); // not before its delay
            _time.Advance(TimeSpan.FromSeconds(0.02));
            p.Transition(true);
            p.State.ShouldBe(ProcessState.Starting);
        }

        waits.ShouldBe([1.001, 2.001, 4.001, 4.001]);
        _time.Advance(TimeSpan.FromSeconds(5)); // this run stays up longer than the cap
        p.Transition(true);
        p.Finish(1 << 8);
        p.RestartDelay.ShouldBe(1);
    }

    [Fact]
    public void An_administrative_stop_ends_the_crash_loop()
    {
        var p = Make(new ProcessExtras { RestartDelay = 1, RestartDelayMax = 8 }, c => c with { AutoRestart = AutoRestart.Always, StartSecs = 0 });
        p.Transition(true);
        for (var crash = 0; crash < 2; crash++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            p.Transition(true);
            p.Finish(1 << 8);
            _time.Advance(TimeSpan.FromSeconds(p.RestartDelay + 0.01));
            p.Transition(true);
        }

        p.RestartDelay.ShouldBe(4);
        p.Stop();
        p.Finish(15);
        p.State.ShouldBe(ProcessState.Stopped);
        p.RestartDelay.ShouldBe(1);
    }

    [Fact]
    public void Without_restartdelay_an_exited_process_restarts_at_once_as_under_supervisord()
    {
        var p = Make(ProcessExtras.None, c => c with { AutoRestart = AutoRestart.Always, StartSecs = 0 });
        p.Transition(true);
        p.Transition(true);
        p.Finish(0);
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Starting);
    }

    [Fact]
    public void A_process_whose_dependencies_are_not_ready_is_not_spawned_and_has_no_deadline()
    {
        _host.Ready = false;
        var p = Make(new ProcessExtras { DependsOn = ["db"] });
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Stopped);
        p.NextDeadline(true).ShouldBeNull(); // no busy loop while waiting
        p.WantsToRun().ShouldBeTrue();
        p.WouldSpawn().ShouldBeFalse();
        _host.Ready = true;
        p.WouldSpawn().ShouldBeTrue();
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Starting);
    }
}
