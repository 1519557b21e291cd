using Microsoft.Extensions.Time.Testing;
using Slipway.Supervisor.Config;
using Slipway.Supervisor.Native;
using Slipway.Supervisor.Processes;

namespace Slipway.Supervisor.Tests;

public sealed class SubprocessTests
{
    private sealed class FakeHost : IProcessHost
    {
        public int NextPid { get; set; } = 100;

        public string? FailWith { get; set; }

        public List<(int Pid, int Signal)> Kills { get; } = [];

        public List<string> Lines { get; } = [];

        public int Spawns { get; private set; }

        /// <summary>As a batch's prespawn: the child was started at this epoch second, ahead of its turn.</summary>
        public double? LaunchedAt { get; set; }

        public SpawnedChild Spawn(Subprocess process)
        {
            Spawns++;
            return FailWith is null ? new SpawnedChild(NextPid++, -1, -1, -1) { LaunchedAt = LaunchedAt } : throw new SpawnException(FailWith);
        }

        public int Kill(int pid, int signal)
        {
            Kills.Add((pid, signal));
            return 0;
        }

        public void Detach(Subprocess process)
        {
        }

        public void Log(string level, string message) => Lines.Add(level + " " + message);

        public void StateChanged(Subprocess process, ProcessState from, bool expected)
        {
        }
    }

    private static readonly LogChannelConfig Channel = new(null, true, 0, 0, 0, false, false);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly FakeHost _host = new();

    private Subprocess Make(Func<ProcessConfig, ProcessConfig>? tweak = null)
    {
        var config = new ProcessConfig { Name = "web", Command = "/bin/true", Stdout = Channel, Stderr = Channel };
        return new Subprocess(tweak?.Invoke(config) ?? config, "web", _host, _time);
    }

    private const int ExitedWith1 = 1 << 8;
    private const int KilledByTerm = 15;

    [Fact]
    public void Autostart_then_running_after_startsecs()
    {
        var p = Make();
        p.Transition(accepting: true);
        p.State.ShouldBe(ProcessState.Starting);
        _time.Advance(TimeSpan.FromSeconds(1));
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Starting); // needs MORE than startsecs, as supervisord
        _time.Advance(TimeSpan.FromMilliseconds(10));
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Running);
        _host.Lines.ShouldContain("info success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)");
    }

    [Fact]
    public void A_child_started_ahead_in_a_batch_counts_startsecs_from_its_own_spawn()
    {
        var p = Make();
        var launched = _time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        _host.LaunchedAt = launched;
        _time.Advance(TimeSpan.FromMilliseconds(30)); // the rest of the batch was being spawned meanwhile
        p.Transition(accepting: true);
        p.LastStart.ShouldBe(launched);
        p.NextDeadline(true).ShouldBe(launched + 1.001);
        _time.Advance(TimeSpan.FromMilliseconds(975));
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Running); // 1.005 s after its spawn, though only 0.975 s after the loop took it
    }

    [Fact]
    public void A_program_that_exits_at_once_backs_off_linearly_then_goes_fatal_after_startretries_plus_one_tries()
    {
        var p = Make();
        p.Transition(true);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            p.State.ShouldBe(ProcessState.Starting);
            p.Finish(ExitedWith1);
            p.State.ShouldBe(ProcessState.Backoff);
            p.SpawnError.ShouldBe("Exited too quickly (process log may have details)");
            p.Delay.ShouldBe((_time.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0) + attempt, 0.0001); // 1 s, 2 s, 3 s…
            _time.Advance(TimeSpan.FromSeconds(attempt) + TimeSpan.FromMilliseconds(1));
            p.Transition(true);
        }

        p.State.ShouldBe(ProcessState.Fatal);
        _host.Spawns.ShouldBe(4);
        Description.For(p.State, 0, 1, 1, 1, p.SpawnError!, "web", TimeZoneInfo.Utc).ShouldBe("Exited too quickly (process log may have details)");
    }

    [Theory]
    [InlineData(AutoRestart.Unexpected, 0, false)]
    [InlineData(AutoRestart.Unexpected, 1, true)]
    [InlineData(AutoRestart.Always, 0, true)]
    [InlineData(AutoRestart.Never, 1, false)]
    public void Autorestart_after_running(AutoRestart mode, int exitCode, bool restarts)
    {
        var p = Make(c => c with { AutoRestart = mode });
        p.Transition(true);
        _time.Advance(TimeSpan.FromSeconds(2));
        p.Transition(true);
        p.Finish(exitCode << 8);
        p.State.ShouldBe(ProcessState.Exited);
        p.SpawnError.ShouldBe(exitCode == 0 ? null : "Bad exit code 1");
        p.Transition(true);
        p.State.ShouldBe(restarts ? ProcessState.Starting : ProcessState.Exited);
    }

    [Fact]
    public void Stop_sends_stopsignal_then_sigkill_after_stopwaitsecs_to_the_group_when_asked()
    {
        var p = Make(c => c with { StopSignal = 2, StopWaitSecs = 5, StopAsGroup = true, KillAsGroup = true });
        p.Transition(true);
        p.Stop().ShouldBeNull();
        p.State.ShouldBe(ProcessState.Stopping);
        _host.Kills.ShouldBe([(-100, 2)]);
        _time.Advance(TimeSpan.FromSeconds(5));
        p.Transition(true);
        _host.Kills.ShouldBe([(-100, 2), (-100, 9)]);
        p.Finish(9);
        p.State.ShouldBe(ProcessState.Stopped);
    }

    [Fact]
    public void Stopping_a_process_in_backoff_stops_it_without_a_signal()
    {
        var p = Make();
        p.Transition(true);
        p.Finish(ExitedWith1);
        p.Stop().ShouldBeNull();
        p.State.ShouldBe(ProcessState.Stopped);
        _host.Kills.ShouldBeEmpty();
    }

    [Fact]
    public void A_spawn_error_is_backoff_with_the_reason_as_description()
    {
        _host.FailWith = "can't find command 'nope'";
        var p = Make();
        p.Transition(true);
        p.State.ShouldBe(ProcessState.Backoff);
        p.SpawnError.ShouldBe("can't find command 'nope'");
    }

    [Fact]
    public void Nothing_starts_while_shutting_down()
    {
        var p = Make();
        p.Transition(accepting: false);
        p.State.ShouldBe(ProcessState.Stopped);
        _host.Spawns.ShouldBe(0);
    }

    [Theory]
    [InlineData(0, "exit status 0")]
    [InlineData(3 << 8, "exit status 3")]
    [InlineData(KilledByTerm, "terminated by SIGTERM")]
    [InlineData(9 | 0x80, "terminated by SIGKILL (core dumped)")]
    public void Wait_statuses_are_worded_as_supervisord(int status, string message) =>
        Subprocess.DecodeWaitStatus(status).Message.ShouldBe(message);

    [Theory]
    [InlineData(62, "0:01:02")]
    [InlineData(86_400 + 3_723, "1 day, 1:02:03")]
    [InlineData(2 * 86_400, "2 days, 0:00:00")]
    public void Uptime_is_python_timedelta(int seconds, string text) =>
        Description.Uptime(TimeSpan.FromSeconds(seconds)).ShouldBe(text);

    [Fact]
    public void Stopped_description_is_the_local_stop_time_or_not_started()
    {
        Description.For(ProcessState.Stopped, 0, 0, 0, 0, "", "x", TimeZoneInfo.Utc).ShouldBe("Not started");
        Description.For(ProcessState.Exited, 0, 1, 1_700_000_000, 0, "", "x", TimeZoneInfo.Utc).ShouldBe("Nov 14 10:13 PM");
        Description.For(ProcessState.Fatal, 0, 1, 1, 1, "", "x", TimeZoneInfo.Utc).ShouldBe("unknown error (try \"tail x\")");
    }
}
